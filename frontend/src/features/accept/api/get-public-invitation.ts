import { queryOptions, useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../../../api/client";
import { queryKeys } from "../../../api/query-keys";

export const publicInvitationQuery = (token: string) =>
  queryOptions({
    queryKey: [...queryKeys.publicInvitation, token],
    queryFn: async () => unwrap(await api.GET("/api/v1/public/invitations/{token}", { params: { path: { token } } })),
    retry: false,
  });

export const usePublicInvitation = (token: string) => useQuery(publicInvitationQuery(token));
