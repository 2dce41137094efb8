import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "../../../api/client";
import { queryKeys } from "../../../api/query-keys";

/** `PATCH /api/v1/users/{id}` and `POST …/deactivate` (reactivate is shared, in `src/api`): each refreshes the list. */
function useUserMutation<TInput>(call: (input: TInput) => Promise<Schemas["User"]>) {
  const client = useQueryClient();
  return useMutation({ mutationFn: call, onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.users }) });
}

export const useUpdateUser = () =>
  useUserMutation(async ({ id, body }: { id: number; body: Schemas["UserPatch"] }) =>
    unwrap(await api.PATCH("/api/v1/users/{id}", { params: { path: { id } }, body })),
  );

export const useDeactivateUser = () =>
  useUserMutation(async (id: number) => unwrap(await api.POST("/api/v1/users/{id}/deactivate", { params: { path: { id } } })));

export { useReactivateMember as useReactivateUser } from "../../../api/members";
