import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "../../../api/client";

export const sendImport = async ({ id, skipInvalid }: { id: number; skipInvalid: boolean }) =>
  unwrap(await api.POST("/api/v1/invitation-imports/{id}/send", { params: { path: { id } }, body: { skip_invalid: skipInvalid } }));

export function useSendImport() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: sendImport,
    onSuccess: (_, { id }) => {
      client.invalidateQueries({ queryKey: ["invitations"] });
      client.invalidateQueries({ queryKey: ["import", id] });
    },
  });
}
