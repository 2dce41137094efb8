import { keepPreviousData, queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, ApiError, unwrap, type Schemas } from "../../../api/client";
import { queryKeys } from "../../../api/query-keys";

export type Webhook = Schemas["Webhook"];
export type Delivery = Schemas["Delivery"];

export const webhooksQuery = queryOptions({
  queryKey: queryKeys.webhooks,
  queryFn: async () => unwrap(await api.GET("/api/v1/webhooks")),
});

export const useWebhooks = () => useQuery(webhooksQuery);

export const deliveriesQuery = (id: number, page: number) =>
  queryOptions({
    queryKey: [...queryKeys.webhookDeliveries(id), page],
    queryFn: async () =>
      unwrap(await api.GET("/api/v1/webhooks/{id}/deliveries", { params: { path: { id }, query: { page, per_page: 20 } } })),
    placeholderData: keepPreviousData,
    // Attempts and retries happen in the background: the open log follows them.
    refetchInterval: 3_000,
  });

export const useDeliveries = (id: number, page: number) => useQuery(deliveriesQuery(id, page));

function useInvalidatingMutation<TInput, TOutput>(mutationFn: (input: TInput) => Promise<TOutput>) {
  const client = useQueryClient();
  return useMutation({ mutationFn, onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.webhooks }) });
}

export const useCreateWebhook = () =>
  useInvalidatingMutation(async (body: Schemas["CreateWebhook"]) => unwrap(await api.POST("/api/v1/webhooks", { body })));

export const useUpdateWebhook = () =>
  useInvalidatingMutation(async ({ id, body }: { id: number; body: Schemas["UpdateWebhook"] }) =>
    unwrap(await api.PATCH("/api/v1/webhooks/{id}", { params: { path: { id } }, body })),
  );

export const useDeleteWebhook = () =>
  useInvalidatingMutation(async (id: number) => {
    const { response, error } = await api.DELETE("/api/v1/webhooks/{id}", { params: { path: { id } } });
    if (!response.ok) throw new ApiError(response.status, error);
  });

export const useRotateWebhookSecret = () =>
  useInvalidatingMutation(async (id: number) =>
    unwrap(await api.POST("/api/v1/webhooks/{id}/rotate-secret", { params: { path: { id } } })),
  );

export const useTestWebhook = () =>
  useInvalidatingMutation(async (id: number) => unwrap(await api.POST("/api/v1/webhooks/{id}/test", { params: { path: { id } } })));

export const useRedeliver = () =>
  useInvalidatingMutation(async ({ id, deliveryId }: { id: number; deliveryId: number }) => {
    const { response, error } = await api.POST("/api/v1/webhooks/{id}/deliveries/{delivery_id}/redeliver", {
      params: { path: { id, delivery_id: deliveryId } },
    });
    if (!response.ok) throw new ApiError(response.status, error);
  });
