import { keepPreviousData, queryOptions, useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../../../api/client";
import { queryKeys } from "../../../api/query-keys";

/** The import history, newest first. While emails of an import are still going out, it
 * polls every 2 s so the progress moves on its own; otherwise every 10 s. */
export const importHistoryQuery = (page: number) =>
  queryOptions({
    queryKey: [...queryKeys.imports, "history", page],
    queryFn: async () => unwrap(await api.GET("/api/v1/invitation-imports", { params: { query: { page, per_page: 25 } } })),
    placeholderData: keepPreviousData,
    refetchInterval: (query) =>
      query.state.data?.items.some((i) => i.emails.queued > 0 || i.progress?.state === "checking") ? 2_000 : 10_000,
  });

export const useImportHistory = (page: number) => useQuery(importHistoryQuery(page));
