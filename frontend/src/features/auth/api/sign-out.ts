import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "../../../api/client";
import { meQuery } from "./get-me";

export const signOut = async () => {
  await api.POST("/api/v1/auth/logout");
};

export function useSignOut() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: signOut,
    onSuccess: () => {
      client.clear();
      client.setQueryData(meQuery.queryKey, null);
    },
  });
}
