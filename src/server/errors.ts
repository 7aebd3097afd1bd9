/**
 * Errors of the HTTP API: every failure is a JSON body `{"error": {"code", "message"}}` with a
 * 4xx status that says what to change (5xx only for a storage that failed), and the server
 * stays up.
 */
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import {
  DuplicatedStudyError,
  IncompatibleDistributionError,
  InvalidArgumentError,
  InvalidDistributionError,
  NotFoundError,
  SkipjackError,
  StorageError,
  UpdateFinishedTrialError,
} from "../errors/index.js";

/** An error with the HTTP status and code it is answered with. */
export class HttpError extends Error {
  readonly status: ContentfulStatusCode;
  readonly code: string;
  constructor(status: ContentfulStatusCode, code: string, message: string) {
    super(message);
    this.name = "HttpError";
    this.status = status;
    this.code = code;
  }
}

/** The JSON body of every error answer. */
export interface ErrorBody {
  error: { code: string; message: string };
}

/** 404: no such study or trial. */
export function notFound(message: string): HttpError {
  return new HttpError(404, "not_found", message);
}

/** 409: the trial has finished (or was told) and cannot change. */
export function finished(message: string): HttpError {
  return new HttpError(409, "trial_finished", message);
}

/** 400: the request is malformed or its values are refused. */
export function badRequest(message: string): HttpError {
  return new HttpError(400, "bad_request", message);
}

/** How a library error maps to an HTTP answer. */
export function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  if (error instanceof NotFoundError) return notFound(error.message);
  if (error instanceof UpdateFinishedTrialError) return finished(error.message);
  if (error instanceof DuplicatedStudyError) {
    return new HttpError(409, "duplicated_study", error.message);
  }
  if (
    error instanceof InvalidArgumentError ||
    error instanceof InvalidDistributionError ||
    error instanceof IncompatibleDistributionError
  ) {
    return new HttpError(400, "invalid_argument", error.message);
  }
  if (error instanceof StorageError) return new HttpError(503, "storage_error", error.message);
  if (error instanceof SkipjackError) return new HttpError(400, "invalid_argument", error.message);
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new HttpError(500, "internal_error", message);
}

/** The JSON body an HTTP error is answered with. */
export function errorBody(http: HttpError): ErrorBody {
  return { error: { code: http.code, message: http.message } };
}

/** Answers `error` as JSON. */
export function errorResponse(c: Context, error: unknown): Response {
  const http = toHttpError(error);
  return c.json(errorBody(http), http.status);
}
