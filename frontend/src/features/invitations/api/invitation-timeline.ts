import { queryOptions, useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../../../api/client";
import { queryKeys } from "../../../api/query-keys";

/** One invitation's own events (created, emailed, resent, accepted…), oldest first. */
export const invitationTimelineQuery = (id: number) =>
  queryOptions({
    queryKey: queryKeys.invitationTimeline(id),
    queryFn: async () => {
      const page = unwrap(
        await api.GET("/api/v1/audit-events", { params: { query: { invitation_id: id, per_page: 100 } } }),
      );
      return [...page.items].reverse();
    },
  });

export const useInvitationTimeline = (id: number) => useQuery(invitationTimelineQuery(id));
