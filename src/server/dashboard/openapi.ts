/**
 * One OpenAPI document for skipjack's HTTP API: the worker API of `skipjack serve` (tag
 * "worker") and the dashboard API of `skipjack dashboard` (tag "dashboard"), each route
 * described from its own zod schemas.
 */
import { z } from "zod";
import { ROUTES } from "../app.js";
import { openApiDocument } from "../openapi.js";
import { ErrorBody } from "../schemas.js";
import type { DashboardRoute } from "./routes.js";

function json(type: z.ZodType, description: string) {
  const schema = z.toJSONSchema(type, { io: "input", unrepresentable: "any" });
  return { description, content: { "application/json": { schema } } };
}

function operationId(r: DashboardRoute): string {
  const words = `${r.method} ${r.path.replace(/\{(\w+)\}/g, "By_$1")}`.split(/[^A-Za-z0-9]+/);
  return words.map((w, i) => (i === 0 ? w : w.charAt(0).toUpperCase() + w.slice(1))).join("");
}

/** The document: worker and dashboard routes together. */
export function combinedApiDocument(routes: readonly DashboardRoute[], version: string) {
  const base = openApiDocument(ROUTES, version);
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [path, methods] of Object.entries(base.paths)) {
    paths[path] = {};
    for (const [method, op] of Object.entries(methods)) {
      paths[path]![method] = { tags: ["worker"], ...(op as object) };
    }
  }
  const errors = json(ErrorBody, "an error, with what to change");
  for (const r of routes) {
    const parameters = [
      ...[...r.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
        name: m[1],
        in: "path",
        required: true,
        schema: { type: "integer", minimum: 0 },
      })),
      ...(r.query ?? []).map((q) => ({
        name: q.name,
        in: "query",
        required: false,
        description: q.description,
        schema: { type: q.type },
      })),
    ];
    const responses: Record<string, unknown> = {
      "200": json(r.response, "success"),
      "400": errors,
      "401": errors,
      "404": errors,
    };
    if (r.write === true) {
      responses["403"] = json(ErrorBody, "read_only (--read-only) or cross_origin");
      responses["409"] = errors;
      responses["415"] = errors;
    }
    paths[r.path] ??= {};
    paths[r.path]![r.method] = {
      tags: ["dashboard"],
      summary: r.summary,
      operationId: operationId(r),
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(r.body === undefined
        ? {}
        : { requestBody: { required: true, content: json(r.body, "").content } }),
      responses,
    };
  }
  return {
    ...base,
    info: {
      title: "skipjack HTTP API",
      version,
      description:
        "The worker API (tag worker; served by skipjack serve): ask for trials, suggest parameters, report and tell. The dashboard API (tag dashboard; served by skipjack dashboard): studies, trials (incremental with ?after=), notes, rename, delete. Authorization: Bearer <token> when the server has one; the dashboard also takes the token from its cookie.",
    },
    tags: [
      { name: "worker", description: "skipjack serve" },
      { name: "dashboard", description: "skipjack dashboard" },
    ],
    paths,
  };
}
