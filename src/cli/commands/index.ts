/**
 * Optuna's commands (create-study, delete-study, study set-user-attr, study-names, studies,
 * trials, best-trial, best-trials, ask, tell, storage upgrade) and skipjack's export and
 * copy-study, added to the `skipjack` program.
 */
import { Command } from "commander";
import { registerRun } from "../../runner/command.js";
import { type CliIo, processIo } from "../context.js";
import { debugWanted, formatParserMessage, reportError } from "../errors.js";
import { registerAskTell } from "./ask-tell.js";
import { registerDashboard } from "./dashboard.js";
import { registerReadCommands } from "./read.js";
import { registerReport } from "./report.js";
import { registerServe } from "./serve.js";
import { registerStorageCommands } from "./storage.js";
import { registerStudyCommands } from "./study.js";

/** Adds the storage commands to `program`; `done` receives each command's exit status. */
export function registerCommands(
  program: Command,
  done: (status: number) => void,
  io: CliIo = processIo(),
): Command {
  const ctx = { io, done };
  registerStudyCommands(program, ctx);
  registerReadCommands(program, ctx);
  registerAskTell(program, ctx);
  registerStorageCommands(program, ctx);
  registerServe(program, ctx);
  registerDashboard(program, ctx);
  registerRun(program, ctx);
  registerReport(program, ctx);
  return program;
}

/**
 * Runs one storage command line (`args` without the node and script words) in this process,
 * printing to `io`; returns the exit status. The command line's own entry point is main.ts;
 * this is its storage half, for tests and embedding.
 */
export async function runCommand(
  args: readonly string[],
  io: CliIo = processIo(),
): Promise<number> {
  let status = 0;
  const program = new Command()
    .name("skipjack")
    .exitOverride()
    .configureOutput({
      writeOut: (text) => {
        void io.out.write(text);
      },
      writeErr: (text) => io.err(text),
      outputError: (text, write) => write(formatParserMessage(text)),
    });
  registerCommands(
    program,
    (s) => {
      status = s;
    },
    io,
  );
  for (const command of program.commands) {
    command.exitOverride();
    for (const sub of command.commands) sub.exitOverride();
  }
  try {
    await program.parseAsync(["node", "skipjack", ...args]);
    return status;
  } catch (error) {
    return reportError(error, debugWanted(args, io.env), (text) => io.err(text));
  }
}
