import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "../../../api/client";
import { catalogQuery, type CatalogKind } from "./catalog";

export const renameEntry = async (kind: CatalogKind, id: number, name: string) =>
  kind === "departments"
    ? unwrap(await api.PATCH("/api/v1/departments/{id}", { params: { path: { id } }, body: { name } }))
    : unwrap(await api.PATCH("/api/v1/groups/{id}", { params: { path: { id } }, body: { name } }));

export function useRenameEntry(kind: CatalogKind) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, name }: { id: number; name: string }) => renameEntry(kind, id, name),
    onSuccess: () => client.invalidateQueries({ queryKey: catalogQuery(kind).queryKey }),
  });
}
