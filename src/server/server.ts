/**
 * `startTrialServer`: the trial API listening on a host and port, for `skipjack serve` and
 * for the command runner (which lends each child process its trial with `registerTrial`).
 */
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { InvalidArgumentError } from "../errors/index.js";
import { resolveStorage } from "../storages/resolve.js";
import type { Storage } from "../storages/storage.js";
import type { Study } from "../study/study.js";
import type { Trial } from "../trial/trial.js";
import { createTrialApp } from "./app.js";
import { isLoopback } from "./auth.js";
import type { IdempotencyOptions } from "./idempotency.js";
import { type LeaseHooks, Registry, type TrialLease } from "./registry.js";

/** Options of `startTrialServer`. */
export interface TrialServerOptions {
  /** A Storage (left open by `close`) or a database URL (opened here, closed by `close`). */
  storage: Storage | string;
  /** Interface to bind. Default 127.0.0.1; any other needs `token` or `noAuth`. */
  host?: string;
  /** Port; 0 for a free one. Default 8080. */
  port?: number;
  /** The server-wide token (opens every route). Without it only per-trial tokens are accepted. */
  token?: string;
  /** Accept requests without any token. */
  noAuth?: boolean;
  /** Studies served as they are, with their own sampler and pruner. */
  studies?: readonly Study[];
  /** Largest request body in bytes (413 above). Default 1 MiB. */
  bodyLimit?: number;
  /** Bounds of the idempotency-key store (default 4096 keys, kept 15 minutes each). */
  idempotency?: IdempotencyOptions;
}

/** A listening trial server. */
export interface TrialServer {
  /** Its address, e.g. http://127.0.0.1:8080 (no trailing slash). */
  readonly url: string;
  readonly port: number;
  /** Lends a trial started in this process (study.ask / startTrial) to one child process. */
  registerTrial(study: Study, trial: Trial, hooks?: LeaseHooks): TrialLease;
  /** Stops listening and ends every lease; closes the storage only if it opened it. */
  close(): Promise<void>;
}

function urlHost(host: string): string {
  return host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
}

/** Starts the trial API. Throws InvalidArgumentError for a non-loopback host without a token. */
export async function startTrialServer(options: TrialServerOptions): Promise<TrialServer> {
  const host = options.host ?? "127.0.0.1";
  if (options.token !== undefined && options.token.length < 8) {
    throw new InvalidArgumentError("The token is too short: use at least 8 characters.");
  }
  if (!isLoopback(host) && options.token === undefined && options.noAuth !== true) {
    throw new InvalidArgumentError(
      `Binding to ${host} lets other machines connect: give a token (--token) that workers send, or pass --no-auth to serve without one.`,
    );
  }
  const ownsStorage = typeof options.storage === "string";
  const storage = await resolveStorage(options.storage);
  const registry = new Registry(storage, options.studies);
  const app = createTrialApp({
    registry,
    token: options.token,
    noAuth: options.noAuth,
    bodyLimit: options.bodyLimit,
    idempotency: options.idempotency,
  });
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: host, port: options.port ?? 8080 }, () =>
      resolve(s),
    );
    s.once("error", (error: NodeJS.ErrnoException) => {
      if (
        error.code === "EADDRINUSE" ||
        error.code === "EACCES" ||
        error.code === "EADDRNOTAVAIL"
      ) {
        const why =
          error.code === "EADDRINUSE"
            ? "is in use"
            : error.code === "EACCES"
              ? "needs privileges"
              : "is not an address of this machine";
        reject(
          new InvalidArgumentError(
            `Cannot listen on ${host}:${options.port ?? 8080}: the ${error.code === "EADDRNOTAVAIL" ? "host" : "port"} ${why}; pick another (--port 0 takes a free port).`,
          ),
        );
      } else reject(error);
    });
  });
  // Workers call between epochs, often minutes apart: keep their connections open a minute
  // (Node's default, 5 s, would make most calls reconnect).
  (server as { keepAliveTimeout?: number }).keepAliveTimeout = 60_000;
  const port = (server.address() as AddressInfo).port;
  const url = `http://${urlHost(host)}:${port}`;
  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    registerTrial: (study, trial, hooks = {}) => registry.lend(study, trial, hooks, url),
    close: () => {
      closing ??= (async () => {
        registry.releaseAll();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          // Keep-alive connections of idle workers would hold close() open.
          (server as { closeAllConnections?: () => void }).closeAllConnections?.();
        });
        if (ownsStorage) await storage.close();
      })();
      return closing;
    },
  };
}
