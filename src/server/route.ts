/**
 * One route of the API, described once: its method and path, the schema of its body and of
 * its answer (for validation and for the OpenAPI document), and what it does.
 */
import type { z } from "zod";
import type { Registry } from "./registry.js";

/** What a route's handler receives. */
export interface RouteInput<B> {
  /** The path's parameters, decoded. */
  params: Readonly<Record<string, string>>;
  /** The body, validated by the route's schema. */
  body: B;
  registry: Registry;
}

/** A route of the API. */
export interface Route {
  readonly method: "get" | "post";
  /** OpenAPI-style path: /api/v1/studies/{study}. */
  readonly path: string;
  readonly summary: string;
  readonly body?: z.ZodType;
  readonly response: z.ZodType;
  /** A per-trial token (lent to a child process) opens this route. */
  readonly trialScoped?: boolean;
  /** Status of a successful answer (default 200). */
  readonly status?: 200 | 201;
  /** Open to anyone (no token needed). */
  readonly public?: boolean;
  readonly handler: (input: RouteInput<unknown>) => Promise<unknown>;
}

/** Defines a route whose handler sees its body's type. */
export function route<B extends z.ZodType | undefined>(spec: {
  method: "get" | "post";
  path: string;
  summary: string;
  body?: B;
  response: z.ZodType;
  trialScoped?: boolean;
  status?: 200 | 201;
  public?: boolean;
  handler: (input: RouteInput<B extends z.ZodType ? z.infer<B> : undefined>) => Promise<unknown>;
}): Route {
  return spec as Route;
}
