/**
 * The roots of every query key, defined once. Each feature builds its keys from these in its
 * own query options, and a mutation invalidates through the same names, so a key is never
 * spelled twice (a typo would silently leave a list stale).
 */
export const queryKeys = {
  me: ["me"],
  myEnrollments: ["me", "enrollments"],
  invitations: ["invitations"],
  invitationTimeline: (id: number) => ["invitations", id, "timeline"] as const,
  imports: ["imports"],
  users: ["users"],
  departments: ["departments"],
  groups: ["groups"],
  courses: ["courses"],
  apiTokens: ["api-tokens"],
  scimTokens: ["scim-tokens"],
  webhooks: ["webhooks"],
  webhookDeliveries: (id: number) => ["webhooks", id, "deliveries"] as const,
  organizationSettings: ["organization-settings"],
  ssoSettings: ["sso-settings"],
  publicInvitation: ["public-invitation"],
  activity: ["activity"],
} as const;
