/** The OpenAPI 3.1 document of the API, made from the routes' own zod schemas. */
import { z } from "zod";
import {
  DEFAULT_IDEMPOTENCY_ENTRIES,
  DEFAULT_IDEMPOTENCY_TTL_MS,
  IDEMPOTENCY_HEADER,
  REPLAYED_HEADER,
} from "./idempotency.js";
import type { Route } from "./route.js";
import { ErrorBody } from "./schemas.js";

function schema(type: z.ZodType): Record<string, unknown> {
  return z.toJSONSchema(type, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
}

function json(type: z.ZodType, description: string) {
  return { description, content: { "application/json": { schema: schema(type) } } };
}

/** The header every state-changing POST takes, so that a retry does not act twice. */
const idempotencyKey = {
  name: IDEMPOTENCY_HEADER,
  in: "header",
  required: false,
  description: `A fresh UUID per logical call, sent again unchanged on each retry of that call: the server then answers the retry with the first answer instead of acting again (a retried ask returns the same trial). Sent again with another route or body it is refused with 422 idempotency_key_reused. The server keeps the last ${DEFAULT_IDEMPOTENCY_ENTRIES} keys, each for ${DEFAULT_IDEMPOTENCY_TTL_MS / 60_000} minutes; answers with status 5xx are not kept.`,
  schema: { type: "string", minLength: 1, maxLength: 255, pattern: "^[\\x21-\\x7e]+$" },
};

/** The document served at /openapi.json. */
export function openApiDocument(routes: readonly Route[], version: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  const errors = json(ErrorBody, "an error, with what to change");
  for (const r of routes) {
    const parameters: Record<string, unknown>[] = [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
      name: m[1],
      in: "path",
      required: true,
      schema: m[1] === "number" ? { type: "integer", minimum: 0 } : { type: "string" },
    }));
    if (r.method === "post") parameters.push(idempotencyKey);
    const success = json(r.response, "success");
    paths[r.path] ??= {};
    paths[r.path]![r.method] = {
      summary: r.summary,
      operationId: `${r.method}${r.path.replace(/\{(\w+)\}/g, "By_$1").replace(/[^A-Za-z0-9]+(.)?/g, (_m, c?: string) => (c ?? "").toUpperCase())}`,
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(r.body === undefined
        ? {}
        : { requestBody: { required: true, content: json(r.body, "").content } }),
      responses: {
        [String(r.status ?? 200)]:
          r.method === "post"
            ? {
                ...success,
                headers: {
                  [REPLAYED_HEADER]: {
                    description: `"true" when this is the stored answer to an earlier request with the same ${IDEMPOTENCY_HEADER}`,
                    schema: { type: "string", enum: ["true"] },
                  },
                },
              }
            : success,
        "400": errors,
        "401": errors,
        "404": errors,
        "409": errors,
        "413": errors,
        ...(r.method === "post" ? { "422": errors } : {}),
      },
    };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "skipjack trial API",
      version,
      description:
        "Ask for trials, suggest parameters, report intermediate values and results. Authorization: Bearer <token> when the server has one.",
    },
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
    },
    security: [{ bearer: [] }, {}],
    paths,
  };
}
