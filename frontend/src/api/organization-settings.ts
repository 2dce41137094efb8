import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "./client";
import { queryKeys } from "./query-keys";

export const settingsQuery = queryOptions({
  queryKey: queryKeys.organizationSettings,
  queryFn: async () => unwrap(await api.GET("/api/v1/organization/settings")),
});

export const useOrganizationSettings = () => useQuery(settingsQuery);

export function useSaveSettings() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (body: Schemas["SettingsPatch"]) => unwrap(await api.PATCH("/api/v1/organization/settings", { body })),
    onSuccess: (saved) => client.setQueryData(queryKeys.organizationSettings, saved),
  });
}
