import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "../../../api/client";
import { queryKeys } from "../../../api/query-keys";

export const acceptInvitation = async ({ token, body }: { token: string; body: Schemas["AcceptInvitation"] }) =>
  unwrap(await api.POST("/api/v1/public/invitations/{token}/accept", { params: { path: { token } }, body }));

export function useAcceptInvitation() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: acceptInvitation,
    onSuccess: (session) => {
      client.clear();
      client.setQueryData(queryKeys.me, session.user);
    },
  });
}
