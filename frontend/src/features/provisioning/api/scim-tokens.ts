import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, ApiError, unwrap, type Schemas } from "../../../api/client";
import { queryKeys } from "../../../api/query-keys";

export const scimTokensQuery = queryOptions({
  queryKey: queryKeys.scimTokens,
  queryFn: async () => unwrap(await api.GET("/api/v1/scim-tokens")),
});

export const useScimTokens = () => useQuery(scimTokensQuery);

export function useCreateScimToken() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (body: Schemas["CreateScimToken"]) => unwrap(await api.POST("/api/v1/scim-tokens", { body })),
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.scimTokens }),
  });
}

export function useRevokeScimToken() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (id: number) => {
      const { response, error } = await api.DELETE("/api/v1/scim-tokens/{id}", { params: { path: { id } } });
      if (!response.ok) throw new ApiError(response.status, error);
    },
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.scimTokens }),
  });
}
