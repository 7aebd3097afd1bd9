/**
 * The dashboard's JSON API, as the server's api-types.ts describes it. Requests go to the page's
 * own origin; the token, when the server has one, travels in the cookie the server set when the
 * page was opened with `?token=`.
 */
import type {
  DashboardInfo,
  ErrorBody,
  Note,
  StudiesResponse,
  StudyDetail,
  StudySummary,
  TrialDetail,
  TrialsResponse,
} from "../../server/dashboard/api-types.js";

/** An error answer of the API, with its code (read_only, unauthorized, not_found, ...). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

const BASE = "/api/dashboard";

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const init: RequestInit = { method, credentials: "same-origin", cache: "no-store" };
  if (body !== undefined) {
    init.headers = { "Content-Type": "application/json" };
    init.body = JSON.stringify(body);
  }
  const response = await fetch(`${BASE}${path}`, init);
  const text = await response.text();
  if (!response.ok) {
    let code = "http_error";
    let message = `${method} ${path}: HTTP ${response.status}`;
    try {
      const parsed = JSON.parse(text) as ErrorBody;
      code = parsed.error.code;
      message = parsed.error.message;
    } catch {
      // Not our JSON error body (a proxy's page, say): keep the status line.
    }
    if (code === "unauthorized") {
      message += " Open the address that `skipjack dashboard` printed (it holds ?token=...).";
    }
    throw new ApiError(response.status, code, message);
  }
  return JSON.parse(text) as T;
}

/** The calls the pages make. */
export const api = {
  info: () => request<DashboardInfo>("GET", "/info"),
  studies: () => request<StudiesResponse>("GET", "/studies"),
  study: (studyId: number) => request<StudyDetail>("GET", `/studies/${studyId}`),
  trials: (studyId: number, after: string | null) =>
    request<TrialsResponse>(
      "GET",
      `/studies/${studyId}/trials${after === null ? "" : `?after=${encodeURIComponent(after)}`}`,
    ),
  trial: (studyId: number, number: number) =>
    request<TrialDetail>("GET", `/studies/${studyId}/trials/${number}`),
  saveStudyNote: (studyId: number, text: string, version: number) =>
    request<Note>("PUT", `/studies/${studyId}/note`, { text, version }),
  saveTrialNote: (studyId: number, number: number, text: string, version: number) =>
    request<Note>("PUT", `/studies/${studyId}/trials/${number}/note`, { text, version }),
  rename: (studyId: number, name: string) =>
    request<StudySummary>("POST", `/studies/${studyId}/rename`, { name }),
  deleteStudy: (studyId: number) =>
    request<{ deleted: true; studyId: number }>("DELETE", `/studies/${studyId}`),
};
