/**
 * `skipjack serve`: the trial HTTP API for workers on other machines (and in other languages),
 * and `skipjack client python`: where the Python client file is, to copy it to a worker.
 */
import { fileURLToPath } from "node:url";
import { type Command, InvalidArgumentError as CommanderArgumentError, Option } from "commander";
import { InvalidArgumentError } from "../../errors/index.js";
import { logger } from "../../logging/index.js";
import { isLoopback } from "../../server/auth.js";
import { maskUrl } from "../../storages/resolve.js";
import {
  addCommonOptions,
  type CommonFlags,
  storageUrl,
  withExample,
  withLogging,
} from "../context.js";
import { addListenOptions, type ListenFlags, serveUntilStopped } from "../serving.js";
import type { CommandContext } from "./types.js";

interface ServeFlags extends CommonFlags, ListenFlags {
  heartbeatInterval?: number;
}

function positive(text: string): number {
  const value = Number(text);
  if (!(value > 0))
    throw new CommanderArgumentError(`must be a number of seconds > 0, got "${text}".`);
  return value;
}

/** The Python client shipped in the package. */
export function pythonClientPath(): string {
  return fileURLToPath(new URL("../../../clients/python/skipjack_client.py", import.meta.url));
}

export function registerServe(program: Command, ctx: CommandContext): void {
  withExample(
    addCommonOptions(
      addListenOptions(
        program
          .command("serve")
          .description(
            "serve the trial HTTP API (ask, suggest, report, should-prune, tell) to workers in any language; OpenAPI at /openapi.json",
          ),
        {
          host: "interface to listen on (any but loopback needs --token)",
          token:
            "token workers send as Authorization: Bearer <token> (default: $SKIPJACK_SERVE_TOKEN)",
        },
      ).addOption(
        new Option(
          "--heartbeat-interval <seconds>",
          "record trial heartbeats; trials of workers silent for twice this long are failed at the next ask",
        ).argParser(positive),
      ),
    ),
    'skipjack serve --storage postgresql://db/hpo --host 0.0.0.0 --token "$(openssl rand -hex 24)"',
  ).action(async (flags: ServeFlags) => {
    const url = storageUrl(flags, ctx.io.env);
    const token = flags.token ?? (ctx.io.env["SKIPJACK_SERVE_TOKEN"] || undefined);
    const status = await withLogging(flags, ctx.io, async () => {
      const { startTrialServer } = await import("../../server/server.js");
      const { openStorage } = await import("../../storages/resolve.js");
      const storage = await openStorage(url, {
        createTables: true,
        ...(flags.heartbeatInterval === undefined
          ? {}
          : { heartbeatInterval: flags.heartbeatInterval }),
      });
      return serveUntilStopped(
        storage,
        () =>
          startTrialServer({
            storage,
            host: flags.host,
            port: flags.port,
            ...(token === undefined ? {} : { token }),
            // On loopback only this machine connects: no token is needed unless one is given.
            noAuth: flags.auth === false || (token === undefined && isLoopback(flags.host)),
          }),
        async (server) => {
          // The address alone on standard output, for scripts (with --port 0 especially).
          await ctx.io.out.write(`${server.url}\n`);
          // The token is never printed: workers are given it by whoever started the server.
          logger.info(
            `Serving the trial API of ${maskUrl(url)} at ${server.url} (${token === undefined ? "no token" : "token required"}); OpenAPI at ${server.url}/openapi.json. Ctrl-C stops.`,
          );
        },
      );
    });
    ctx.done(status);
  });

  program
    .command("client")
    .description("print the path of a client file shipped with skipjack (python)")
    .argument("<language>", "python")
    .action((language: string) => {
      if (language !== "python") {
        throw new InvalidArgumentError(
          `There is a client for python only, not "${language}": run skipjack client python.`,
        );
      }
      void ctx.io.out.write(`${pythonClientPath()}\n`);
      ctx.done(0);
    });
}
