import { queryOptions, useQuery } from "@tanstack/react-query";
import { api, ApiError, unwrap } from "../../../api/client";
import { queryKeys } from "../../../api/query-keys";

export const meQuery = queryOptions({
  queryKey: queryKeys.me,
  // Signed out is an answer, not an error: null.
  queryFn: async () => {
    try {
      return unwrap(await api.GET("/api/v1/me"));
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return null;
      throw error;
    }
  },
  staleTime: 60_000,
});

export const useMe = () => useQuery(meQuery);
