import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "../../../api/client";
import { queryKeys } from "../../../api/query-keys";

/** After a change to invitations: the lists and the activity log read again. */
function useRefresh() {
  const client = useQueryClient();
  return () => {
    client.invalidateQueries({ queryKey: queryKeys.invitations });
    client.invalidateQueries({ queryKey: queryKeys.activity });
  };
}

export function useSendNow() {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: async (id: number) => unwrap(await api.POST("/api/v1/invitations/{id}/send-now", { params: { path: { id } } })),
    onSuccess: refresh,
  });
}

export function useChangeInvitation() {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: async ({ id, body }: { id: number; body: Schemas["ChangeInvitation"] }) =>
      unwrap(await api.PATCH("/api/v1/invitations/{id}", { params: { path: { id } }, body })),
    onSuccess: refresh,
  });
}

export function useCopyLink() {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: async (id: number) => unwrap(await api.POST("/api/v1/invitations/{id}/link", { params: { path: { id } } })),
    onSuccess: refresh,
  });
}

export type BulkRequest = Schemas["BulkRequest"];

/** A bulk action; the real run carries an Idempotency-Key so a retried click changes nothing. */
export function useBulkAction() {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: async ({ body, key }: { body: BulkRequest; key?: string }) =>
      unwrap(await api.POST("/api/v1/invitations/bulk", { body, params: { header: key ? { "Idempotency-Key": key } : {} } })),
    onSuccess: (outcome) => {
      if (!outcome.dry_run) refresh();
    },
  });
}
