import createClient, { type Middleware } from "openapi-fetch";
import type { components, paths } from "./schema.generated";

export type Schemas = components["schemas"];

/** The CSRF token the server set beside the HttpOnly session cookie. */
export function csrfToken(): string | undefined {
  return document.cookie
    .split("; ")
    .find((c) => c.startsWith("skillstream_csrf="))
    ?.slice("skillstream_csrf=".length);
}

const csrf: Middleware = {
  onRequest({ request }) {
    if (!["GET", "HEAD", "OPTIONS"].includes(request.method)) {
      const token = csrfToken();
      if (token) request.headers.set("X-CSRF-Token", token);
    }
    return request;
  },
};

/** The typed API client: the session travels in its HttpOnly cookie, never in script storage. */
export const api = createClient<paths>({
  baseUrl: typeof window === "undefined" ? "" : window.location.origin,
  credentials: "same-origin",
});
api.use(csrf);

/** An error answered by the API, in its one error shape. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: Schemas["FieldError"][];
  readonly invitationId?: number;
  /** For `member_deactivated`: the member to reactivate instead of inviting. */
  readonly memberId?: number;
  readonly invalidRows?: number;
  /** For a link that can no longer be used: who sent the invitation. */
  readonly contact?: Schemas["Contact"];
  /** For an expired link: what the organization lets its holder do. */
  readonly renewal?: Schemas["ExpiredLink"];
  /** For the column errors of an upload: each header with what it was read as. */
  readonly columns?: Schemas["ColumnGuess"][];
  /** For `mass_change_unconfirmed`: the deactivations and the active members. */
  readonly massChange?: Schemas["MassChange"];

  constructor(status: number, body: unknown) {
    const error = (body as { error?: Partial<Schemas["ErrorObject"]> } | undefined)?.error;
    super(error?.message ?? `The request failed (${status}).`);
    this.status = status;
    this.code = error?.code ?? "unknown_error";
    this.details = error?.details ?? [];
    this.invitationId = error?.invitation_id ?? undefined;
    this.memberId = error?.member_id ?? undefined;
    this.invalidRows = error?.invalid_rows ?? undefined;
    this.contact = error?.contact ?? undefined;
    this.renewal = error?.renewal ?? undefined;
    this.columns = error?.columns ?? undefined;
    this.massChange = error?.mass_change ?? undefined;
  }

  /** The message for one field, if the API reported one. */
  field(name: string): Schemas["FieldError"] | undefined {
    return this.details.find((d) => d.field === name);
  }
}

/** Returns the data of a successful call, or throws its ApiError. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (!result.response.ok || result.error !== undefined) {
    throw new ApiError(result.response.status, result.error);
  }
  return result.data as T;
}
