import { vi } from "vitest";

/** Every component test's `fetch`. The API client captures `fetch` when it is created, so the
 * setup file imports this module before any test file imports the client. */
export const fetchMock = vi.fn();
globalThis.fetch = fetchMock as unknown as typeof fetch;

/** A JSON answer, as the API gives. */
export const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
