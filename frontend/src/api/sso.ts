import { queryOptions, useMutation, useQuery } from "@tanstack/react-query";
import { api, unwrap } from "./client";
import { queryKeys } from "./query-keys";

// Single sign-on as several features use it: leaving for the identity provider (sign-in,
// accepting an invitation) and whether the organization has one (settings, import help).

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

export const ssoSettingsQuery = queryOptions({
  queryKey: queryKeys.ssoSettings,
  queryFn: async () => unwrap(await api.GET("/api/v1/organization/sso")),
});

export const useSsoSettings = () => useQuery(ssoSettingsQuery);

