import { keepPreviousData, queryOptions, useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../../../api/client";
import { queryKeys } from "../../../api/query-keys";

export type InvitationFilters = { status?: string; q?: string; page?: number; importId?: number };

/** The list's filters as the page's address carries them (`?status=&q=&page=&import_id=`);
 * `importId` 0: every import. */
export const filtersFromSearch = (params: URLSearchParams): Required<InvitationFilters> => ({
  status: params.get("status") ?? "",
  q: params.get("q") ?? "",
  page: Number(params.get("page") ?? "1") || 1,
  importId: Number(params.get("import_id") ?? "0") || 0,
});

export const invitationsQuery = (filters: InvitationFilters) =>
  queryOptions({
    queryKey: [...queryKeys.invitations, "list", filters],
    queryFn: async () =>
      unwrap(
        await api.GET("/api/v1/invitations", {
          params: {
            query: {
              status: filters.status || undefined,
              q: filters.q || undefined,
              import_id: filters.importId || undefined,
              page: filters.page,
              per_page: 25,
            },
          },
        }),
      ),
    placeholderData: keepPreviousData,
    // An open list follows what happens elsewhere (an invitee accepting, an email sent) by
    // polling while the tab is visible: every 4 s, every 2 s while an email is on its way.
    // Polling rather than server-sent events: EventSource cannot send the bearer token, and
    // any instance behind the load balancer answers a poll without a pub/sub between them.
    refetchInterval: (query) =>
      query.state.data?.items.some((i) => i.email_delivery?.status === "queued" || i.email_delivery?.status === "sending")
        ? 2_000
        : 4_000,
  });

export const useInvitations = (filters: InvitationFilters) => useQuery(invitationsQuery(filters));
