import { infiniteQueryOptions, keepPreviousData, useInfiniteQuery } from "@tanstack/react-query";
import { api, unwrap } from "../../../api/client";
import { queryKeys } from "../../../api/query-keys";

/** Rows per page of the preview; the review loads the next page as it scrolls near the end. */
export const PREVIEW_PAGE_SIZE = 200;

/** An import's rows, rows with errors first (or only them), page after page. */
export const importRowsQuery = (id: number, errorsOnly: boolean) =>
  infiniteQueryOptions({
    queryKey: [...queryKeys.imports, id, { errorsOnly }],
    queryFn: async ({ pageParam }) =>
      unwrap(
        await api.GET("/api/v1/invitation-imports/{id}", {
          params: { path: { id }, query: { page: pageParam, per_page: PREVIEW_PAGE_SIZE, errors_only: errorsOnly, errors_first: true } },
        }),
      ),
    initialPageParam: 1,
    getNextPageParam: (last) => (last.page < last.total_pages ? last.page + 1 : undefined),
    placeholderData: keepPreviousData,
    // While the file is read in the background, its progress is polled twice a second.
    refetchInterval: (query) => (query.state.data?.pages[0]?.progress?.state === "checking" ? 500 : false),
  });

export const useImportRows = (id: number | undefined, errorsOnly: boolean) =>
  useInfiniteQuery({ ...importRowsQuery(id ?? 0, errorsOnly), enabled: id !== undefined });
