import { keepPreviousData, queryOptions, useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../../../api/client";
import type { paths } from "../../../api/schema.generated";
import { queryKeys } from "../../../api/query-keys";

export type AuditEvent =
  paths["/api/v1/audit-events"]["get"]["responses"][200]["content"]["application/json"]["items"][number];

/** The filters of the Activity page; dates are calendar days in the admin's time zone. */
export type ActivityFilters = { action?: string; email?: string; fromDay?: string; toDay?: string; page?: number };

/** A calendar day's first (or last) instant in the browser's time zone, as RFC 3339. */
export function dayBound(day: string | undefined, end: boolean): string | undefined {
  if (!day) return undefined;
  const at = new Date(`${day}T${end ? "23:59:59.999" : "00:00:00"}`);
  return Number.isNaN(at.getTime()) ? undefined : at.toISOString();
}

export function activityQueryParams(filters: ActivityFilters) {
  return {
    action: filters.action || undefined,
    target_email: filters.email || undefined,
    from: dayBound(filters.fromDay, false),
    to: dayBound(filters.toDay, true),
  };
}

export const activityQuery = (filters: ActivityFilters) =>
  queryOptions({
    queryKey: [...queryKeys.activity, filters],
    queryFn: async () =>
      unwrap(
        await api.GET("/api/v1/audit-events", {
          params: { query: { ...activityQueryParams(filters), page: filters.page, per_page: 50 } },
        }),
      ),
    placeholderData: keepPreviousData,
  });

export const useActivity = (filters: ActivityFilters) => useQuery(activityQuery(filters));

/** The same filters as a CSV download (the session cookie authorises the GET). */
export function activityCsvUrl(filters: ActivityFilters): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(activityQueryParams(filters))) {
    if (value) query.set(key, value);
  }
  const text = query.toString();
  return `/api/v1/audit-events.csv${text ? `?${text}` : ""}`;
}
