import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "../../../api/client";
import { meQuery } from "./get-me";

export const signIn = async (body: { email: string; password: string }) =>
  unwrap(await api.POST("/api/v1/auth/login", { body }));

export function useSignIn() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: signIn,
    onSuccess: (session) => client.setQueryData(meQuery.queryKey, session.user),
  });
}
