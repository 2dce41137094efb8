import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, ApiError, unwrap, type Schemas } from "../../../api/client";
import { queryKeys } from "../../../api/query-keys";

export const apiTokensQuery = queryOptions({
  queryKey: queryKeys.apiTokens,
  queryFn: async () => unwrap(await api.GET("/api/v1/api-tokens")),
});

export const useApiTokens = () => useQuery(apiTokensQuery);

export function useCreateApiToken() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (body: Schemas["CreateApiToken"]) => unwrap(await api.POST("/api/v1/api-tokens", { body })),
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.apiTokens }),
  });
}

export function useRevokeApiToken() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (id: number) => {
      const { response, error } = await api.DELETE("/api/v1/api-tokens/{id}", { params: { path: { id } } });
      if (!response.ok) throw new ApiError(response.status, error);
    },
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.apiTokens }),
  });
}
