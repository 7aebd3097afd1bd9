/**
 * Who may use the dashboard, and from where.
 *
 * - Token: when the server has one, every /api request carries it, as `Authorization: Bearer`
 *   or in a cookie set from a first visit to `/?token=...` (HttpOnly, SameSite=Strict, named
 *   after the port since cookies do not tell ports apart). Compared in constant time.
 * - Host: a server on loopback without a token answers only requests addressed to a loopback
 *   name, so a web page whose domain was re-pointed at 127.0.0.1 (DNS rebinding) cannot read it.
 * - Writes (anything but GET/HEAD): same-origin only (`Origin` matching `Host`, and
 *   `Sec-Fetch-Site` same-origin where the browser sends it), JSON bodies only (a cross-site
 *   form cannot send one without a CORS preflight, which this server never grants).
 */
import { bearerToken, isLoopback, tokensEqual } from "../auth.js";
import { HttpError } from "../errors.js";

/** The name of the token cookie for a server reached at `host` (the Host header). */
export function tokenCookieName(host: string | undefined): string {
  const port = /:(\d+)$/.exec(host ?? "")?.[1] ?? "80";
  return `skipjack_dashboard_token_${port}`;
}

/** The value of cookie `name` in a Cookie header. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/** The Set-Cookie value that keeps the token in the browser for this server. */
export function tokenCookie(host: string | undefined, token: string): string {
  return `${tokenCookieName(host)}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Strict`;
}

/** The request headers these checks read. */
export interface RequestHeaders {
  host?: string | undefined;
  authorization?: string | undefined;
  cookie?: string | undefined;
  origin?: string | undefined;
  secFetchSite?: string | undefined;
  contentType?: string | undefined;
}

/** Whether the request carries `token` (header or cookie). */
export function hasToken(headers: RequestHeaders, token: string): boolean {
  const given =
    bearerToken(headers.authorization) ??
    cookieValue(headers.cookie, tokenCookieName(headers.host));
  return given !== undefined && tokensEqual(given, token);
}

/** The host name of a Host header (without port or IPv6 brackets). */
function hostName(host: string): string {
  if (host.startsWith("[")) return host.slice(0, host.indexOf("]") + 1);
  return host.replace(/:\d+$/, "");
}

/** Throws 421 unless the Host header names this machine's loopback. */
export function checkLoopbackHost(host: string | undefined): void {
  if (host !== undefined && isLoopback(hostName(host))) return;
  throw new HttpError(
    421,
    "wrong_host",
    `This dashboard answers only at a loopback address (127.0.0.1, localhost), not at ${JSON.stringify(host ?? "")}: open it there, or start it with --token.`,
  );
}

/** Throws 401 unless the request carries the token. */
export function checkToken(headers: RequestHeaders, token: string | undefined): void {
  if (token === undefined || hasToken(headers, token)) return;
  throw new HttpError(
    401,
    "unauthorized",
    "This dashboard needs its token: open the address `skipjack dashboard` printed with ?token=<token> once, or send Authorization: Bearer <token>.",
  );
}

/** Throws 403 for a cross-site write, 415 for a body that is not JSON. */
export function checkWrite(headers: RequestHeaders, hasBody: boolean): void {
  const site = headers.secFetchSite;
  if (site !== undefined && site !== "same-origin" && site !== "none") {
    throw new HttpError(
      403,
      "cross_origin",
      `Refused a ${site} request: the dashboard accepts changes only from its own pages.`,
    );
  }
  if (headers.origin !== undefined) {
    let originHost: string | null = null;
    try {
      const url = new URL(headers.origin);
      if (url.protocol === "http:" || url.protocol === "https:") originHost = url.host;
    } catch {
      originHost = null;
    }
    if (
      originHost === null ||
      headers.host === undefined ||
      originHost !== headers.host.toLowerCase()
    ) {
      throw new HttpError(
        403,
        "cross_origin",
        `Refused a request from origin ${JSON.stringify(headers.origin)}: the dashboard accepts changes only from its own pages.`,
      );
    }
  }
  if (hasBody && !/^application\/json\s*(;|$)/i.test(headers.contentType ?? "")) {
    throw new HttpError(
      415,
      "unsupported_media_type",
      "Send the request body as JSON (Content-Type: application/json).",
    );
  }
}
