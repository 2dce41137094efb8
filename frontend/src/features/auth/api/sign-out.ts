import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "../../../api/client";

export const signOut = async () => {
  await api.POST("/api/v1/auth/logout");
};

export function useSignOut() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: signOut,
    onSuccess: () => {
      client.clear();
      client.setQueryData(["me"], null);
    },
  });
}
