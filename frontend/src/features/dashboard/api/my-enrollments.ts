import { queryOptions, useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../../../api/client";

export const myEnrollmentsQuery = queryOptions({
  queryKey: ["me", "enrollments"],
  queryFn: async () => unwrap(await api.GET("/api/v1/me/enrollments")),
});

export const useMyEnrollments = () => useQuery(myEnrollmentsQuery);
