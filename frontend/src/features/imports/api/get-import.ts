import { keepPreviousData, queryOptions, useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../../../api/client";
import { PREVIEW_PAGE_SIZE } from "./upload-import";

export type RowFilter = { page: number; errorsOnly: boolean };

export const importQuery = (id: number, filter: RowFilter) =>
  queryOptions({
    queryKey: ["import", id, filter],
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
