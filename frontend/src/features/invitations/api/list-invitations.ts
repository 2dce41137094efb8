import { keepPreviousData, queryOptions, useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../../../api/client";
import { queryKeys } from "../../../api/query-keys";

export type InvitationFilters = { status?: string; q?: string; page?: number };

export const invitationsQuery = (filters: InvitationFilters) =>
  queryOptions({
    queryKey: [...queryKeys.invitations, "list", filters],
    queryFn: async () =>
      unwrap(
        await api.GET("/api/v1/invitations", {
          params: { query: { status: filters.status || undefined, q: filters.q || undefined, page: filters.page, per_page: 25 } },
        }),
      ),
    placeholderData: keepPreviousData,
    // While an email is still on its way, the delivery column follows it to "Sent" or "Failed".
    refetchInterval: (query) =>
      query.state.data?.items.some((i) => i.email_delivery?.status === "queued" || i.email_delivery?.status === "sending")
        ? 2_000
        : false,
  });

export const useInvitations = (filters: InvitationFilters) => useQuery(invitationsQuery(filters));
