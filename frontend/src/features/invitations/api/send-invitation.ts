import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "../../../api/client";
import { queryKeys } from "../../../api/query-keys";

export const sendInvitation = async (body: Schemas["SendInvitation"]) =>
  unwrap(await api.POST("/api/v1/invitations", { body }));

export function useSendInvitation() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: sendInvitation,
    onSuccess: () => {
      client.invalidateQueries({ queryKey: queryKeys.invitations });
      client.invalidateQueries({ queryKey: queryKeys.activity });
    },
  });
}
