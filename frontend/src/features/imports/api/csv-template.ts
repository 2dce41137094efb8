/** The template is a plain download: the session cookie authenticates it. */
export const CSV_TEMPLATE_URL = "/api/v1/invitations/csv-template";

export const errorReportUrl = (importId: number) => `/api/v1/invitation-imports/${importId}/errors.csv`;
