import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "./client";
import { queryKeys } from "./query-keys";

/** `POST /api/v1/users/{id}/reactivate`: the Users page and the send dialog (a deactivated
 * member's address is reactivated, not invited) both offer it. */
export function useReactivateMember() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (id: number) => unwrap(await api.POST("/api/v1/users/{id}/reactivate", { params: { path: { id } } })),
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.users }),
  });
}
