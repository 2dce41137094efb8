import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "../../../api/client";
import { queryKeys } from "../../../api/query-keys";

/** Every course of the organization, archived ones included (the Courses page). */
export const allCoursesQuery = queryOptions({
  queryKey: [...queryKeys.courses, "all"],
  queryFn: async () => unwrap(await api.GET("/api/v1/courses", { params: { query: { include_archived: true } } })),
});

export const useAllCourses = () => useQuery(allCoursesQuery);

/** Every change to a course refreshes both lists (this page's and the send dialog's). */
function useCourseMutation<T>(mutationFn: (input: T) => Promise<Schemas["Course"]>) {
  const client = useQueryClient();
  return useMutation({ mutationFn, onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.courses }) });
}

export const useCreateCourse = () =>
  useCourseMutation(async (body: Schemas["CreateCourse"]) => unwrap(await api.POST("/api/v1/courses", { body })));

export const useUpdateCourse = () =>
  useCourseMutation(async ({ id, ...body }: Schemas["UpdateCourse"] & { id: number }) =>
    unwrap(await api.PATCH("/api/v1/courses/{id}", { params: { path: { id } }, body })),
  );
