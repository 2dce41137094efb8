import { QueryClient } from "@tanstack/react-query";
import { ApiError } from "./client";

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // 4xx answers will not change on retry.
        retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2,
        // Lists are fetched again whenever a page shows them (staleTime 0) and when the tab
        // regains focus, so an admin never acts on a stale row.
        refetchOnWindowFocus: true,
      },
    },
  });
}
