import { queryOptions, useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../../../api/client";
import { queryKeys } from "../../../api/query-keys";

/** What the send dialog offers: the organization's departments, groups and courses. */
export const departmentsQuery = queryOptions({
  queryKey: queryKeys.departments,
  queryFn: async () => unwrap(await api.GET("/api/v1/departments")),
});
export const groupsQuery = queryOptions({
  queryKey: queryKeys.groups,
  queryFn: async () => unwrap(await api.GET("/api/v1/groups")),
});
export const coursesQuery = queryOptions({
  queryKey: queryKeys.courses,
  queryFn: async () => unwrap(await api.GET("/api/v1/courses")),
});

export const useDepartments = () => useQuery(departmentsQuery);
export const useGroups = () => useQuery(groupsQuery);
export const useCourses = () => useQuery(coursesQuery);
