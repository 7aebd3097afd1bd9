/**
 * What the commands that run a server until Ctrl-C share (`skipjack serve`, `skipjack
 * dashboard`): the --host, --port, --token and --no-auth options, and starting the server, waiting for a stop signal, then
 * closing the server and the storage.
 */
import { type Command, InvalidArgumentError as CommanderArgumentError, Option } from "commander";
import { EXIT_INTERRUPTED } from "./errors.js";

/** Parses --port: an integer from 0 (a free port) to 65535. */
export function parsePort(text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value > 65535) {
    throw new CommanderArgumentError(`--port must be an integer from 0 to 65535, got "${text}".`);
  }
  return value;
}

/** The flags that `addListenOptions` adds. */
export interface ListenFlags {
  host: string;
  port: number;
  token?: string;
  /** False with --no-auth. */
  auth: boolean;
}

/**
 * Adds --host (127.0.0.1 by default), --port (8080 by default), --token and --no-auth, in
 * that order; `help` says what each command does with the host and the token.
 */
export function addListenOptions(
  command: Command,
  help: { readonly host: string; readonly token: string },
): Command {
  return command
    .option("--host <host>", help.host, "127.0.0.1")
    .addOption(
      new Option("--port <port>", "port to listen on (0: a free one)")
        .argParser(parsePort)
        .default(8080),
    )
    .option("--token <token>", help.token)
    .option("--no-auth", "serve without a token, even off loopback");
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
