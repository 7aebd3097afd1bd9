/**
 * The Hono application of the trial API: routes from routes/, each request authorized and its
 * body validated by the route's schema; every failure a JSON error. No listening here (see
 * server.ts), so tests call it in-process with `app.request`.
 */
import { readFileSync } from "node:fs";
import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { z } from "zod";
import { bearerToken, digestsEqual, tokenDigest } from "./auth.js";
import { errorBody, errorResponse, HttpError, toHttpError } from "./errors.js";
import {
  checkKey,
  type IdempotencyOptions,
  IdempotencyStore,
  REPLAYED_HEADER,
} from "./idempotency.js";
import { parseJsonBody } from "./json-body.js";
import { openApiDocument } from "./openapi.js";
import type { Registry } from "./registry.js";
import { type Route, route } from "./route.js";
import { studyRoutes } from "./routes/studies.js";
import { trialNumber, trialRoutes } from "./routes/trials.js";

import { Health } from "./schemas.js";

function packageVersion(): string {
  const url = new URL("../../package.json", import.meta.url);
  return (JSON.parse(readFileSync(url, "utf8")) as { version: string }).version;
}

const VERSION = packageVersion();

const healthRoute = route({
  method: "get",
  path: "/api/v1/health",
  summary: "Whether the server is up, and skipjack's version",
  response: Health,
  public: true,
  handler: async () => ({ ok: true, version: VERSION }),
});

/** Every route of the API (the OpenAPI document lists exactly these). */
export const ROUTES: readonly Route[] = [healthRoute, ...studyRoutes, ...trialRoutes];

/** Largest request body accepted by default (bytes). */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

/** Who may call: a server-wide token, none at all (`noAuth`), or per-trial tokens only. */
export interface AuthOptions {
  token?: string | undefined;
  noAuth?: boolean | undefined;
}

function unauthorized(message: string): HttpError {
  return new HttpError(401, "unauthorized", message);
}

function authorize(
  c: Context,
  route: Route,
  params: Record<string, string>,
  auth: AuthOptions,
  serverDigest: Buffer | undefined,
  registry: Registry,
): void {
  if (auth.noAuth === true || route.public === true) return;
  const given = bearerToken(c.req.header("authorization"));
  if (given === undefined) {
    throw unauthorized(
      "This server needs a token: send the header Authorization: Bearer <token> (skipjack serve's --token, or SKIPJACK_API_TOKEN).",
    );
  }
  const digest = tokenDigest(given);
  if (serverDigest !== undefined && digestsEqual(digest, serverDigest)) return;
  if (route.trialScoped === true) {
    const lease = registry.lease(params["study"]!, trialNumber(params["number"]));
    if (lease !== undefined && digestsEqual(digest, lease.digest)) return;
  }
  throw unauthorized("The token was refused: it is not this server's token, nor this trial's.");
}

/** A request body as JSON, validated by `schema`; an empty or blank body is `{}`. */
function parseBody(text: string, schema: z.ZodType): unknown {
  return parseJsonBody(text.trim() === "" ? "{}" : text, schema);
}

/** Bodies up to this size are read and dropped before a 413; larger ones are cut off. */
const DRAIN_LIMIT = 64 * 1024 * 1024;

async function drain(body: ReadableStream<Uint8Array> | null): Promise<void> {
  if (body === null) return;
  const reader = body.getReader();
  for (;;) {
    const { done } = await reader.read();
    if (done) return;
  }
}

/** Options of the application. */
export interface AppOptions extends AuthOptions {
  registry: Registry;
  /** Largest request body in bytes (413 above). */
  bodyLimit?: number | undefined;
  /** Bounds of the store of idempotency keys (default 4096 keys, 15 minutes each). */
  idempotency?: IdempotencyOptions | undefined;
}

/** Builds the application. */
export function createTrialApp(options: AppOptions): Hono {
  const { registry } = options;
  const version = VERSION;
  const app = new Hono();
  let document: unknown;
  app.onError((error, c) => errorResponse(c, error));
  app.notFound((c) =>
    errorResponse(
      c,
      new HttpError(
        404,
        "no_route",
        `No route ${c.req.method} ${c.req.path}: the routes are listed at /openapi.json.`,
      ),
    ),
  );
  const limit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const tooLarge = (c: Context) =>
    errorResponse(
      c,
      new HttpError(413, "body_too_large", `The request body is over ${limit} bytes: send less.`),
    );
  // A body without Content-Length (chunked) is counted as it arrives.
  const counted = bodyLimit({ maxSize: limit, onError: tooLarge });
  app.use("/api/*", async (c, next) => {
    const declared = c.req.header("content-length");
    const length = Number(declared);
    if (length > limit) {
      // Read what the client is sending before answering: closing the connection under a
      // client still writing makes it see a reset instead of the 413.
      if (length <= DRAIN_LIMIT) await drain(c.req.raw.body);
      return tooLarge(c);
    }
    // A declared length was checked above, and a GET has no body: Hono's bodyLimit is only
    // for chunked bodies. Asking for `c.req.raw.body` (as it does) turns @hono/node-server's
    // light request into a full Request with a web stream, which then carries the body at
    // several times the cost of reading the socket directly.
    if (
      (declared !== undefined && c.req.header("transfer-encoding") === undefined) ||
      c.req.method === "GET" ||
      c.req.method === "HEAD"
    ) {
      await next();
      return;
    }
    return counted(c, next);
  });
  app.get("/openapi.json", (c) => {
    document ??= openApiDocument(ROUTES, version);
    return c.json(document as object);
  });
  const idempotency = new IdempotencyStore(options.idempotency);
  const serverDigest = options.token === undefined ? undefined : tokenDigest(options.token);
  for (const r of ROUTES) {
    const honoPath = r.path.replace(/\{(\w+)\}/g, ":$1");
    const status = r.status ?? 200;
    const act = async (params: Record<string, string>, text: string) => {
      const body = r.body === undefined ? undefined : parseBody(text, r.body);
      return r.handler({ params, body, registry });
    };
    app[r.method](honoPath, async (c) => {
      const params = c.req.param() as Record<string, string>;
      authorize(c, r, params, options, serverDigest, registry);
      const text = r.body === undefined ? "" : await c.req.text();
      const header = r.method === "post" ? c.req.header("idempotency-key") : undefined;
      if (header === undefined) return c.json((await act(params, text)) as object, status);
      // The caller is part of the scope, so one client's key never replays another's answer.
      const scope = `${r.method} ${c.req.path} ${c.req.header("authorization") ?? ""}`;
      const claim = idempotency.claim(checkKey(header), scope, text);
      if (!claim.first) {
        const stored = await claim.answer;
        c.header(REPLAYED_HEADER, "true");
        return c.json(stored.body as object, stored.status as ContentfulStatusCode);
      }
      try {
        const result = await act(params, text);
        claim.settle({ status, body: result });
        return c.json(result as object, status);
      } catch (error) {
        // A refusal is an answer like any other; a server error is not, so a retry acts again.
        const http = toHttpError(error);
        if (http.status >= 500) claim.abandon();
        else claim.settle({ status: http.status, body: errorBody(http) });
        throw error;
      }
    });
  }
  return app;
}
