import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "../../../api/client";
import { catalogQuery, type CatalogKind } from "./catalog";

export const createEntry = async (kind: CatalogKind, name: string) =>
  kind === "departments"
    ? unwrap(await api.POST("/api/v1/departments", { body: { name } }))
    : unwrap(await api.POST("/api/v1/groups", { body: { name } }));

export function useCreateEntry(kind: CatalogKind) {
  const client = useQueryClient();
  return useMutation({ mutationFn: (name: string) => createEntry(kind, name), onSuccess: () => client.invalidateQueries({ queryKey: catalogQuery(kind).queryKey }) });
}
