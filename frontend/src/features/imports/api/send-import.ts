import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "../../../api/client";
import { queryKeys } from "../../../api/query-keys";

export const sendImport = async ({ id, skipInvalid }: { id: number; skipInvalid: boolean }) =>
  unwrap(await api.POST("/api/v1/invitation-imports/{id}/send", { params: { path: { id } }, body: { skip_invalid: skipInvalid } }));

export function useSendImport() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: sendImport,
    onSuccess: (_, { id }) => {
      client.invalidateQueries({ queryKey: queryKeys.invitations });
      client.invalidateQueries({ queryKey: queryKeys.activity });
      client.invalidateQueries({ queryKey: [...queryKeys.imports, id] });
    },
  });
}
