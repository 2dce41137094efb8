import { keepPreviousData, queryOptions, useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../../../api/client";
import { queryKeys } from "../../../api/query-keys";

export const usersQuery = (q: string, page: number) =>
  queryOptions({
    queryKey: [...queryKeys.users, { q, page }],
    queryFn: async () => unwrap(await api.GET("/api/v1/users", { params: { query: { q: q || undefined, page, per_page: 25 } } })),
    placeholderData: keepPreviousData,
  });

export const useUsers = (q: string, page: number) => useQuery(usersQuery(q, page));
