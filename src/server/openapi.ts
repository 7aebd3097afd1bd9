/** The OpenAPI 3.1 document of the API, made from the routes' own zod schemas. */
import { z } from "zod";
import type { Route } from "./route.js";
import { ErrorBody } from "./schemas.js";

function schema(type: z.ZodType): Record<string, unknown> {
  return z.toJSONSchema(type, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
}

function json(type: z.ZodType, description: string) {
  return { description, content: { "application/json": { schema: schema(type) } } };
}

/** The document served at /openapi.json. */
export function openApiDocument(routes: readonly Route[], version: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  const errors = json(ErrorBody, "an error, with what to change");
  for (const r of routes) {
    const parameters = [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
      name: m[1],
      in: "path",
      required: true,
      schema: m[1] === "number" ? { type: "integer", minimum: 0 } : { type: "string" },
    }));
    paths[r.path] ??= {};
    paths[r.path]![r.method] = {
      summary: r.summary,
      operationId: `${r.method}${r.path.replace(/\{(\w+)\}/g, "By_$1").replace(/[^A-Za-z0-9]+(.)?/g, (_m, c?: string) => (c ?? "").toUpperCase())}`,
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(r.body === undefined
        ? {}
        : { requestBody: { required: true, content: json(r.body, "").content } }),
      responses: {
        [String(r.status ?? 200)]: json(r.response, "success"),
        "400": errors,
        "401": errors,
        "404": errors,
        "409": errors,
        "413": errors,
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
