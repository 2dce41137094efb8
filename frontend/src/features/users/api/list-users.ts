import { keepPreviousData, queryOptions, useQuery } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "../../../api/client";
import { queryKeys } from "../../../api/query-keys";

export type MemberStatusFilter = Schemas["MemberStatus"] | "";

export const usersQuery = (q: string, page: number, status: MemberStatusFilter = "") =>
  queryOptions({
    queryKey: [...queryKeys.users, { q, page, status }],
    queryFn: async () =>
      unwrap(await api.GET("/api/v1/users", { params: { query: { q: q || undefined, status: status || undefined, page, per_page: 25 } } })),
    placeholderData: keepPreviousData,
  });

export const useUsers = (q: string, page: number, status: MemberStatusFilter = "") => useQuery(usersQuery(q, page, status));
