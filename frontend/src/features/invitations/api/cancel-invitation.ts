import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "../../../api/client";
import { queryKeys } from "../../../api/query-keys";

export const cancelInvitation = async (id: number) =>
  unwrap(await api.POST("/api/v1/invitations/{id}/cancel", { params: { path: { id } } }));

export function useCancelInvitation() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: cancelInvitation,
    onSuccess: () => {
      client.invalidateQueries({ queryKey: queryKeys.invitations });
      client.invalidateQueries({ queryKey: queryKeys.activity });
    },
  });
}
