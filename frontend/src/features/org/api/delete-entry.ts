import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, ApiError } from "../../../api/client";
import { catalogQuery, type CatalogKind } from "./catalog";

export const deleteEntry = async (kind: CatalogKind, id: number) => {
  const { response, error } =
    kind === "departments"
      ? await api.DELETE("/api/v1/departments/{id}", { params: { path: { id } } })
      : await api.DELETE("/api/v1/groups/{id}", { params: { path: { id } } });
  if (!response.ok) throw new ApiError(response.status, error);
};

export function useDeleteEntry(kind: CatalogKind) {
  const client = useQueryClient();
  return useMutation({ mutationFn: (id: number) => deleteEntry(kind, id), onSuccess: () => client.invalidateQueries({ queryKey: catalogQuery(kind).queryKey }) });
}
