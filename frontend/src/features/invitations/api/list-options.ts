import { queryOptions, useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../../../api/client";
import { queryKeys } from "../../../api/query-keys";

/** What the send dialog offers: the organization's departments, groups and courses. */
export { departmentsQuery, groupsQuery, useDepartments, useGroups } from "../../../api/catalog-options";
export const coursesQuery = queryOptions({
  queryKey: queryKeys.courses,
  queryFn: async () => unwrap(await api.GET("/api/v1/courses")),
});

export const useCourses = () => useQuery(coursesQuery);
