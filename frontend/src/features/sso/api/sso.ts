import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "../../../api/client";
import { queryKeys } from "../../../api/query-keys";

/** Where the callback page sends people back to when a sign-in through the provider fails. */
const RETURN_KEY = "skillstream-sso-return";

export const ssoReturnPath = (): string | null => sessionStorage.getItem(RETURN_KEY);

/**
 * The address to leave for, when it is a web address. Anything else the server hands over
 * (`javascript:`, `data:`, a relative path) is refused: navigating to it would run script on
 * this origin with the user's session.
 */
export function externalUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error("The identity provider's sign-in address is not valid. Ask your administrator to check the single sign-on settings.");
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
    throw new Error("The identity provider's sign-in address is not a web address. Ask your administrator to check the single sign-on settings.");
  }
  return parsed;
}

/** Leaves for the identity provider; it comes back to /sso/callback. */
function leaveFor(url: string, returnPath: string) {
  const target = externalUrl(url);
  sessionStorage.setItem(RETURN_KEY, returnPath);
  window.location.assign(target.href);
}

export const startInvitationSso = async (token: string) => {
  const { authorization_url } = unwrap(
    await api.POST("/api/v1/public/invitations/{token}/sso", { params: { path: { token } } }),
  );
  leaveFor(authorization_url, `/invite/${token}`);
};

export const startSignInSso = async (email: string) => {
  const { authorization_url } = unwrap(await api.POST("/api/v1/auth/sso", { body: { email } }));
  leaveFor(authorization_url, "/signin");
};

export const useStartInvitationSso = () => useMutation({ mutationFn: startInvitationSso });
export const useStartSignInSso = () => useMutation({ mutationFn: startSignInSso });

export const completeSso = async (body: Schemas["SsoCallback"]) =>
  unwrap(await api.POST("/api/v1/auth/sso/callback", { body }));

export const ssoSettingsQuery = queryOptions({
  queryKey: queryKeys.ssoSettings,
  queryFn: async () => unwrap(await api.GET("/api/v1/organization/sso")),
});

export const useSsoSettings = () => useQuery(ssoSettingsQuery);

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
