/**
 * The Hono application of `skipjack dashboard`: the JSON API of routes.ts under
 * /api/dashboard/, the OpenAPI document, Plotly, and the single-page app. Every failure is
 * the worker API's JSON error. No listening here (see server.ts): tests call `app.request`.
 */
import { readFileSync } from "node:fs";
import { type Context, Hono } from "hono";
import type { z } from "zod";
import type { Storage } from "../../storages/storage.js";
import { tokensEqual } from "../auth.js";
import { errorResponse, HttpError } from "../errors.js";
import { parseJsonBody } from "../json-body.js";
import type { DashboardInfo } from "./api-types.js";
import { DashboardData } from "./data.js";
import { combinedApiDocument } from "./openapi.js";
import { DASHBOARD_ROUTES, type DashboardRoute, RawJson } from "./routes.js";
import {
  checkLoopbackHost,
  checkToken,
  checkWrite,
  type RequestHeaders,
  tokenCookie,
} from "./security.js";
import { type StaticFile, StaticFiles } from "./static.js";

function packageVersion(): string {
  const url = new URL("../../../package.json", import.meta.url);
  return (JSON.parse(readFileSync(url, "utf8")) as { version: string }).version;
}

/** Largest request body (a note is at most 60 kB as stored JSON). */
const BODY_LIMIT = 256 * 1024;

/**
 * What pages may load: only this server's scripts (Plotly's WebGL traces compile shaders with
 * `new Function`, hence 'unsafe-eval'; no inline script runs), inline styles (Plotly sets
 * them), images from data: and blob: (Plotly's downloads).
 */
const CSP =
  "default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

/** Options of the dashboard application. */
export interface DashboardAppOptions {
  storage: Storage;
  /** The token every /api request needs (header or cookie); none when undefined. */
  token?: string | undefined;
  /** Leave out the write routes (PUT, POST, DELETE answer 403 read_only). */
  readOnly?: boolean | undefined;
  /**
   * Answer only requests addressed to a loopback name (the server listens on loopback without
   * a token; this stops DNS rebinding). Default false.
   */
  loopbackOnly?: boolean | undefined;
  /** Folder of the built UI. Default: dist/dashboard/ of the package. */
  uiDir?: string | undefined;
  /** The storage as the info route shows it (mask passwords). Default "storage". */
  storageLabel?: string | undefined;
}

function headersOf(c: Context): RequestHeaders {
  return {
    host: c.req.header("host"),
    authorization: c.req.header("authorization"),
    cookie: c.req.header("cookie"),
    origin: c.req.header("origin"),
    secFetchSite: c.req.header("sec-fetch-site"),
    contentType: c.req.header("content-type"),
  };
}

/** The body as text, read up to BODY_LIMIT bytes (a chunked body declares no length). */
async function boundedText(body: ReadableStream<Uint8Array> | null): Promise<string> {
  if (body === null) return "";
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > BODY_LIMIT) {
      await reader.cancel();
      throw new HttpError(413, "body_too_large", `The request body is over ${BODY_LIMIT} bytes.`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

async function readJsonBody(c: Context, schema: z.ZodType): Promise<unknown> {
  if (Number(c.req.header("content-length") ?? 0) > BODY_LIMIT) {
    throw new HttpError(413, "body_too_large", `The request body is over ${BODY_LIMIT} bytes.`);
  }
  const text = await boundedText(c.req.raw.body);
  return parseJsonBody(text === "" ? "{}" : text, schema);
}

function sendFile(c: Context, file: StaticFile): Response {
  c.header("content-type", file.type);
  c.header("cache-control", file.cache);
  if (file.type.startsWith("text/html")) c.header("content-security-policy", CSP);
  return c.body(file.body as Uint8Array<ArrayBuffer>);
}

/** Builds the dashboard application. */
export function createDashboardApp(options: DashboardAppOptions): Hono {
  const data = new DashboardData(options.storage);
  const files = new StaticFiles(options.uiDir);
  const readOnly = options.readOnly === true;
  const token = options.token;
  const version = packageVersion();
  const info: Omit<DashboardInfo, "serverTime"> = {
    version,
    readOnly,
    tokenRequired: token !== undefined,
    storage: options.storageLabel ?? "storage",
  };
  const routes = DASHBOARD_ROUTES.filter((r) => !(readOnly && r.write === true));
  let document: unknown;
  const app = new Hono();
  app.onError((error, c) => errorResponse(c, error));

  app.use("*", async (c, next) => {
    c.header("x-content-type-options", "nosniff");
    c.header("x-frame-options", "DENY");
    c.header("referrer-policy", "no-referrer");
    if (options.loopbackOnly === true) checkLoopbackHost(c.req.header("host"));
    await next();
  });
  app.use("/api/*", async (c, next) => {
    c.header("cache-control", "no-store");
    checkToken(headersOf(c), token);
    await next();
  });

  app.get("/openapi.json", (c) => {
    checkToken(headersOf(c), token);
    document ??= combinedApiDocument(DASHBOARD_ROUTES, version);
    return c.json(document as object);
  });
  app.get("/vendor/plotly.min.js", async (c) => {
    const file = await files.vendorPlotly();
    if (file === null) {
      throw new HttpError(
        404,
        "not_found",
        "plotly.js-dist-min is not installed: run npm install.",
      );
    }
    return sendFile(c, file);
  });

  for (const r of routes) register(app, r);
  if (readOnly) {
    app.on(["PUT", "POST", "DELETE", "PATCH"], "/api/dashboard/*", () => {
      throw new HttpError(
        403,
        "read_only",
        "This dashboard is read-only (--read-only): nothing can be changed through it.",
      );
    });
  }
  app.all("/api/*", (c) => {
    throw new HttpError(
      404,
      "no_route",
      `No route ${c.req.method} ${c.req.path}: the routes are listed at /openapi.json.`,
    );
  });

  app.get("*", async (c) => {
    const given = c.req.query("token");
    if (given !== undefined) {
      // The token arrives once in the address, is kept in a cookie, and leaves the address
      // (history, bookmarks) at once.
      if (token !== undefined && tokensEqual(given, token)) {
        const url = new URL(c.req.url);
        url.searchParams.delete("token");
        c.header("set-cookie", tokenCookie(c.req.header("host"), token));
        // One leading slash: "//host" would send the browser to another site.
        return c.redirect(`/${url.pathname.replace(/^\/+/, "")}${url.search}`, 303);
      }
      if (token !== undefined) {
        c.header("content-type", "text/plain; charset=utf-8");
        return c.body("This is not the dashboard's token.\n", 401);
      }
    }
    const file = await files.file(c.req.path);
    if (file === null) return c.body("Not found.\n", 404, { "content-type": "text/plain" });
    return sendFile(c, file);
  });
  app.notFound((c) =>
    errorResponse(
      c,
      new HttpError(405, "method_not_allowed", `${c.req.method} is not served here.`),
    ),
  );

  function register(hono: Hono, r: DashboardRoute): void {
    const honoPath = r.path.replace(/\{(\w+)\}/g, ":$1");
    hono.on(r.method.toUpperCase(), honoPath, async (c) => {
      if (r.write === true) checkWrite(headersOf(c), r.body !== undefined);
      const body = r.body === undefined ? undefined : await readJsonBody(c, r.body);
      const result = await r.handler({
        params: c.req.param() as Record<string, string>,
        query: c.req.query(),
        body,
        data,
        info,
      });
      if (result instanceof RawJson) {
        c.header("content-type", "application/json");
        return c.body(rawBody(result));
      }
      return c.json(result as object);
    });
  }

  return app;
}

/** The bytes of a hand-made answer: small pieces copied, a large cached one sent as it is. */
function rawBody(raw: RawJson): Uint8Array<ArrayBuffer> | ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const chunks = raw.chunks.map((c) => (typeof c === "string" ? encoder.encode(c) : c));
  const total = chunks.reduce((n, c) => n + c.byteLength, 0);
  if (total < 1024 * 1024) {
    const body = new Uint8Array(total);
    let at = 0;
    for (const c of chunks) {
      body.set(c, at);
      at += c.byteLength;
    }
    return body;
  }
  return new ReadableStream<Uint8Array>({
    start(controller) {
      for (const c of chunks) controller.enqueue(c);
      controller.close();
    },
  });
}
