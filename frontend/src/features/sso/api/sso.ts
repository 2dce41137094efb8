import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "../../../api/client";
import { ssoSettingsQuery } from "../../../api/sso";

export const completeSso = async (body: Schemas["SsoCallback"]) =>
  unwrap(await api.POST("/api/v1/auth/sso/callback", { body }));

export function useSaveSsoSettings() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (body: Schemas["UpdateSsoSettings"]) => unwrap(await api.PUT("/api/v1/organization/sso", { body })),
    onSuccess: (settings) => client.setQueryData(ssoSettingsQuery.queryKey, settings),
  });
}

export function useRemoveSsoSettings() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async () => {
      const { response, error } = await api.DELETE("/api/v1/organization/sso");
      if (!response.ok) unwrap({ response, error });
    },
    onSuccess: () => client.invalidateQueries({ queryKey: ssoSettingsQuery.queryKey }),
  });
}

export { ssoReturnPath, ssoSettingsQuery, useSsoSettings } from "../../../api/sso";
