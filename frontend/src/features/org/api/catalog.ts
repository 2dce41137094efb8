import { queryOptions, useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../../../api/client";
import { queryKeys } from "../../../api/query-keys";

/** Departments and groups behave the same; one file per endpoint pair keeps them together. */
export type CatalogKind = "departments" | "groups";

export const catalogQuery = (kind: CatalogKind) =>
  queryOptions({
    queryKey: queryKeys[kind],
    queryFn: async () =>
      kind === "departments" ? unwrap(await api.GET("/api/v1/departments")) : unwrap(await api.GET("/api/v1/groups")),
  });

export const useCatalog = (kind: CatalogKind) => useQuery(catalogQuery(kind));
