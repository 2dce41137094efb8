import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "../../../api/client";
import { queryKeys } from "../../../api/query-keys";

export const resendInvitation = async (id: number) =>
  unwrap(await api.POST("/api/v1/invitations/{id}/resend", { params: { path: { id } } }));

export function useResendInvitation() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: resendInvitation,
    onSuccess: () => {
      client.invalidateQueries({ queryKey: queryKeys.invitations });
      client.invalidateQueries({ queryKey: queryKeys.activity });
    },
  });
}
