import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "../../../api/client";
import { queryKeys } from "../../../api/query-keys";

export type RowCells = Schemas["RowValuesPatch"];

/** Edits cells of one row of a preview; the row comes back re-checked. */
export function useEditRow(importId: number) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ line, cells }: { line: number; cells: RowCells }) =>
      unwrap(
        await api.PATCH("/api/v1/invitation-imports/{id}/rows/{line}", {
          params: { path: { id: importId, line } },
          body: cells,
        }),
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: [...queryKeys.imports, importId] }),
  });
}

/** Applies a "did you mean" to every cell of a column with the same value. */
export function useApplySuggestion(importId: number) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (suggestion: Schemas["ApplySuggestion"]) =>
      unwrap(
        await api.POST("/api/v1/invitation-imports/{id}/apply-suggestion", {
          params: { path: { id: importId } },
          body: suggestion,
        }),
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: [...queryKeys.imports, importId] }),
  });
}
