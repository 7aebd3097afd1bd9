/**
 * Request bodies of both servers (the trial API and the dashboard's): JSON text validated by a
 * zod schema, with 400s that say what to change.
 */
import { z } from "zod";
import { badRequest } from "./errors.js";

/** `text` as JSON, validated by `schema`; a 400 when it is not JSON or does not fit. */
export function parseJsonBody(text: string, schema: z.ZodType): unknown {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw badRequest(
      `The request body is not JSON (${error instanceof Error ? error.message : String(error)}): send a JSON object.`,
    );
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw badRequest(`Invalid request body: ${z.prettifyError(parsed.error).replace(/\n/g, "; ")}`);
  }
  return parsed.data;
}
