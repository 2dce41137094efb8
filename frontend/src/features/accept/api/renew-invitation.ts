import { useMutation } from "@tanstack/react-query";
import { api, unwrap } from "../../../api/client";

/** An expired link's holder asks for a fresh link (or an admin's new invitation). */
export const useRenewInvitation = () =>
  useMutation({
    mutationFn: async (token: string) =>
      unwrap(await api.POST("/api/v1/public/invitations/{token}/renew", { params: { path: { token } } })),
  });
