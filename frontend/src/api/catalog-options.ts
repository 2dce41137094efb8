import { queryOptions, useQuery } from "@tanstack/react-query";
import { api, unwrap } from "./client";
import { queryKeys } from "./query-keys";

/** The organization's departments and groups, as pickers offer them (several features do). */
export const departmentsQuery = queryOptions({
  queryKey: queryKeys.departments,
  queryFn: async () => unwrap(await api.GET("/api/v1/departments")),
});
export const groupsQuery = queryOptions({
  queryKey: queryKeys.groups,
  queryFn: async () => unwrap(await api.GET("/api/v1/groups")),
});

export const useDepartments = () => useQuery(departmentsQuery);
export const useGroups = () => useQuery(groupsQuery);
