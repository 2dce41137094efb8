import { keepPreviousData, queryOptions, useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../../../api/client";
import { queryKeys } from "../../../api/query-keys";

/** Rows per page of the preview (the upload answers the first page at this size too). */
export const PREVIEW_PAGE_SIZE = 100;

export type RowFilter = { page: number; errorsOnly: boolean };

export const importQuery = (id: number, filter: RowFilter) =>
  queryOptions({
    queryKey: [...queryKeys.imports, id, filter],
    queryFn: async () =>
      unwrap(
        await api.GET("/api/v1/invitation-imports/{id}", {
          params: { path: { id }, query: { page: filter.page, per_page: PREVIEW_PAGE_SIZE, errors_only: filter.errorsOnly } },
        }),
      ),
    placeholderData: keepPreviousData,
  });

export const useImport = (id: number | undefined, filter: RowFilter) =>
  useQuery({ ...importQuery(id ?? 0, filter), enabled: id !== undefined });
