/** `startDashboard`: the dashboard application listening on a host and port. */
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { InvalidArgumentError } from "../../errors/index.js";
import { maskUrl, resolveStorage } from "../../storages/resolve.js";
import type { Storage } from "../../storages/storage.js";
import { isLoopback } from "../auth.js";
import { createDashboardApp } from "./app.js";

/** Options of `startDashboard`. */
export interface DashboardOptions {
  /** A Storage (left open by `close`) or a database URL (opened here, closed by `close`). */
  storage: Storage | string;
  /** Interface to bind. Default 127.0.0.1; any other needs `token` or `noAuth`. */
  host?: string;
  /** Port; 0 for a free one. Default 8080. */
  port?: number;
  /** The token every API request needs (at least 8 characters). */
  token?: string;
  /** Serve off loopback without a token (anyone who reaches the port may read and write). */
  noAuth?: boolean;
  /** No write routes. */
  readOnly?: boolean;
  /** Folder of the built UI (default dist/dashboard/ of the package). */
  uiDir?: string;
  /** The storage as the UI shows it (default: the URL with its password masked). */
  storageLabel?: string;
}

/** A listening dashboard. */
export interface Dashboard {
  /** Its address, e.g. http://127.0.0.1:8080 (no trailing slash, no token). */
  readonly url: string;
  readonly port: number;
  /** Stops listening; closes the storage only if it opened it. */
  close(): Promise<void>;
}

function urlHost(host: string): string {
  return host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
}

/**
 * Starts the dashboard. Throws InvalidArgumentError for a non-loopback host without a token
 * or `noAuth`, a short token, or a port that cannot be listened on.
 */
export async function startDashboard(options: DashboardOptions): Promise<Dashboard> {
  const host = options.host ?? "127.0.0.1";
  const port = options.port ?? 8080;
  if (options.token !== undefined && options.token.length < 8) {
    throw new InvalidArgumentError("The token is too short: use at least 8 characters.");
  }
  const loopback = isLoopback(host);
  if (!loopback && options.token === undefined && options.noAuth !== true) {
    throw new InvalidArgumentError(
      `Binding to ${host} lets other machines connect: give a token (--token), or pass --no-auth to serve without one.`,
    );
  }
  const ownsStorage = typeof options.storage === "string";
  const storage = await resolveStorage(options.storage);
  const app = createDashboardApp({
    storage,
    token: options.token,
    readOnly: options.readOnly,
    loopbackOnly: loopback && options.token === undefined,
    uiDir: options.uiDir,
    storageLabel:
      options.storageLabel ??
      (typeof options.storage === "string" ? maskUrl(options.storage) : "storage"),
  });
  let server: ReturnType<typeof serve>;
  try {
    server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
      const s = serve({ fetch: app.fetch, hostname: host, port }, () => resolve(s));
      s.once("error", (error: NodeJS.ErrnoException) => {
        const why =
          error.code === "EADDRINUSE"
            ? "the port is in use"
            : error.code === "EACCES"
              ? "the port needs privileges"
              : error.code === "EADDRNOTAVAIL"
                ? "the host is not an address of this machine"
                : null;
        if (why === null) reject(error);
        else {
          reject(
            new InvalidArgumentError(
              `Cannot listen on ${host}:${port}: ${why}; pick another (--port 0 takes a free port).`,
            ),
          );
        }
      });
    });
  } catch (error) {
    if (ownsStorage) await storage.close();
    throw error;
  }
  const bound = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost(host)}:${bound}`,
    port: bound,
    close: () => {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          (server as { closeAllConnections?: () => void }).closeAllConnections?.();
        });
        if (ownsStorage) await storage.close();
      })();
      return closing;
    },
  };
}
