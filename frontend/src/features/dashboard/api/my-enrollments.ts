import { queryOptions, useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../../../api/client";
import { queryKeys } from "../../../api/query-keys";

export const myEnrollmentsQuery = queryOptions({
  queryKey: queryKeys.myEnrollments,
  queryFn: async () => unwrap(await api.GET("/api/v1/me/enrollments")),
});

export const useMyEnrollments = () => useQuery(myEnrollmentsQuery);
