import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "../../../api/client";
import { queryKeys } from "../../../api/query-keys";

type Send = { id: number; skipInvalid: boolean; allowMassChange?: boolean };

export const sendImport = async ({ id, skipInvalid, allowMassChange = false }: Send) =>
  unwrap(
    await api.POST("/api/v1/invitation-imports/{id}/send", {
      params: { path: { id } },
      body: { skip_invalid: skipInvalid, allow_mass_change: allowMassChange },
    }),
  );

export function useSendImport() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: sendImport,
    onSuccess: (_, { id }) => {
      client.invalidateQueries({ queryKey: queryKeys.invitations });
      client.invalidateQueries({ queryKey: queryKeys.users });
      client.invalidateQueries({ queryKey: queryKeys.activity });
      client.invalidateQueries({ queryKey: queryKeys.imports });
      client.invalidateQueries({ queryKey: [...queryKeys.imports, id] });
    },
  });
}
