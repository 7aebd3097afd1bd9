/**
 * What the commands that run a server until Ctrl-C share (`skipjack serve`, `skipjack
 * dashboard`): the --port parser, and starting the server, waiting for a stop signal, then
 * closing the server and the storage.
 */
import { InvalidArgumentError as CommanderArgumentError } from "commander";
import { EXIT_INTERRUPTED } from "./errors.js";

/** Parses --port: an integer from 0 (a free port) to 65535. */
export function parsePort(text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value > 65535) {
    throw new CommanderArgumentError(`--port must be an integer from 0 to 65535, got "${text}".`);
  }
  return value;
}

/** Resolves when SIGINT or SIGTERM arrives; the value says which. */
function stopSignal(): Promise<NodeJS.Signals> {
  return new Promise((done) => {
    const on = (signal: NodeJS.Signals) => {
      process.off("SIGINT", on);
      process.off("SIGTERM", on);
      done(signal);
    };
    process.on("SIGINT", on);
    process.on("SIGTERM", on);
  });
}

/** Something closed when the command stops. */
interface Closable {
  close(): Promise<void>;
}

/**
 * Starts a server on `storage` and runs it until SIGINT or SIGTERM, then closes the server and
 * the storage. The storage is closed too when the server fails to start. `announce` runs once
 * the server listens (a signal arriving meanwhile is not missed). Resolves to the exit status.
 */
export async function serveUntilStopped<S extends Closable>(
  storage: Closable,
  start: () => Promise<S>,
  announce: (server: S) => Promise<void>,
): Promise<number> {
  let server: S;
  try {
    server = await start();
  } catch (error) {
    await storage.close();
    throw error;
  }
  const stopped = stopSignal();
  await announce(server);
  const signal = await stopped;
  await server.close();
  await storage.close();
  return signal === "SIGINT" ? EXIT_INTERRUPTED : 0;
}
