/**
 * `skipjack dashboard`: the web dashboard of a storage (studies, trials, plots, notes), live
 * while workers write. Prints its address; `--open` starts the system's browser on it.
 */
import { spawn } from "node:child_process";
import { resolve } from "node:path";
import type { Command } from "commander";
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
import { openForWrite } from "../open.js";
import { addListenOptions, type ListenFlags, serveUntilStopped } from "../serving.js";
import type { CommandContext } from "./types.js";

interface DashboardFlags extends CommonFlags, ListenFlags {
  readOnly?: boolean;
  open?: boolean;
}

/** A storage argument: a database URL, or the path of a SQLite file. */
export function storageArgument(text: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) return text;
  const absolute = resolve(text).split("/").map(encodeURIComponent).join("/");
  return `sqlite:///${absolute}`;
}

/**
 * The command that opens a URL in the system's browser, as an argv (never through a shell:
 * the URL is passed as one argument).
 */
export function browserCommand(url: string, platform: NodeJS.Platform): [string, string[]] {
  if (platform === "darwin") return ["open", [url]];
  if (platform === "win32") return ["rundll32", ["url.dll,FileProtocolHandler", url]];
  return ["xdg-open", [url]];
}

function openBrowser(url: string): void {
  const [command, args] = browserCommand(url, process.platform);
  try {
    const child = spawn(command, args, { stdio: "ignore", detached: true, shell: false });
    child.once("error", (error) => {
      logger.warn(
        `Could not start a browser (${command}: ${error.message}): open the address yourself.`,
      );
    });
    child.unref();
  } catch (error) {
    logger.warn(
      `Could not start a browser (${error instanceof Error ? error.message : String(error)}): open the address yourself.`,
    );
  }
}

export function registerDashboard(program: Command, ctx: CommandContext): void {
  withExample(
    addCommonOptions(
      addListenOptions(
        program
          .command("dashboard")
          .description(
            "serve the web dashboard of a storage: studies, trials, plots, notes; live while workers write",
          )
          .argument("[storage]", "database URL or SQLite file (or --storage)"),
        {
          host: "interface to listen on (any but loopback needs --token or --no-auth)",
          token:
            "token the browser must present (open the address once with ?token=...; default: $SKIPJACK_DASHBOARD_TOKEN)",
        },
      )
        .option("--read-only", "no delete, rename or notes")
        .option("--open", "open the dashboard in the system's browser"),
    ),
    "skipjack dashboard sqlite:///study.db --open",
    'skipjack dashboard --storage postgresql://db/hpo --host 0.0.0.0 --token "$(openssl rand -hex 24)" --read-only',
  ).action(async (storageArg: string | undefined, flags: DashboardFlags) => {
    const url =
      storageArg === undefined
        ? storageUrl(flags, ctx.io.env)
        : flags.storage !== undefined
          ? (() => {
              throw new InvalidArgumentError(
                "Give the storage once: as the argument or as --storage, not both.",
              );
            })()
          : storageArgument(storageArg);
    const token = flags.token ?? (ctx.io.env["SKIPJACK_DASHBOARD_TOKEN"] || undefined);
    if (!isLoopback(flags.host) && token === undefined && flags.auth !== false) {
      throw new InvalidArgumentError(
        `Binding to ${flags.host} lets other machines connect: give a token (--token), or pass --no-auth to serve without one.`,
      );
    }
    const status = await withLogging(flags, ctx.io, async () => {
      const { startDashboard } = await import("../../server/dashboard/server.js");
      const storage = await openForWrite(url, false);
      return serveUntilStopped(
        storage,
        () =>
          startDashboard({
            storage,
            host: flags.host,
            port: flags.port,
            ...(token === undefined ? {} : { token }),
            noAuth: flags.auth === false,
            readOnly: flags.readOnly === true,
            storageLabel: maskUrl(url),
          }),
        async (dashboard) => {
          // The address alone on standard output, for scripts (with --port 0 especially). The
          // token is never printed: whoever started the server adds ?token=... once.
          await ctx.io.out.write(`${dashboard.url}/\n`);
          logger.info(
            `Dashboard of ${maskUrl(url)} at ${dashboard.url}/ (${token === undefined ? "no token" : "token required: open it once as /?token=<token>"}${flags.readOnly === true ? ", read-only" : ""}). Ctrl-C stops.`,
          );
          if (flags.open === true) {
            openBrowser(
              token === undefined
                ? `${dashboard.url}/`
                : `${dashboard.url}/?token=${encodeURIComponent(token)}`,
            );
          }
        },
      );
    });
    ctx.done(status);
  });
}
