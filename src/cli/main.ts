#!/usr/bin/env node
import { readFileSync } from "node:fs";
import { Command, InvalidArgumentError as CommanderArgumentError, Option } from "commander";
import { registerCommands } from "./commands/index.js";
import type { DemoResult } from "./demo.js";
import { debugWanted, EXIT_INTERRUPTED, formatParserMessage, reportError } from "./errors.js";
import { SigintGuard } from "./interrupt.js";

function packageVersion(): string {
  const url = new URL("../../package.json", import.meta.url);
  return (JSON.parse(readFileSync(url, "utf8")) as { version: string }).version;
}

function integer(name: string, min: number) {
  return (text: string): number => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < min) {
      throw new CommanderArgumentError(`${name} must be an integer >= ${min}.`);
    }
    return value;
  };
}

function seconds(text: string): number {
  const value = Number(text);
  if (!(value > 0))
    throw new CommanderArgumentError("the time budget must be a number of seconds > 0.");
  return value;
}

interface DemoFlags {
  trials: number;
  timeout: number;
  concurrency: number;
  storage: string;
  studyName: string;
  seed: number;
  epochs: number;
  progress: boolean;
}

function percent(value: number): string {
  return `${(100 * value).toFixed(2)}%`;
}

/** The lines printed after the demo: what was found, and what was left out after Ctrl-C. */
export function formatDemoResult(result: DemoResult, storage: string): string {
  const counts = `${result.trials} trials (${result.pruned} pruned${result.failed > 0 ? `, ${result.failed} failed` : ""})`;
  const lines = [
    "",
    result.interrupted === "search"
      ? "Interrupted (Ctrl-C): the running trial is marked FAIL."
      : result.interrupted === "evaluation"
        ? "Interrupted (Ctrl-C) while retraining the best configuration for the test evaluation."
        : result.interrupted === "start"
          ? "Interrupted (Ctrl-C) before the search started."
          : "",
    `Study "${result.study.studyName}" in ${storage}: ${counts}, TF.js backend "${result.backend}"`,
  ].filter((line, i) => i === 0 || line !== "");
  if (result.best === undefined) {
    lines.push("No trial has completed yet.");
  } else {
    lines.push(
      `Best parameters (trial ${result.best.number}): ${JSON.stringify(result.best.params)}`,
      `Validation accuracy of the best trial: ${percent(result.best.validationAccuracy)}`,
    );
  }
  if (result.testAccuracy !== undefined) {
    lines.push(
      `Test accuracy of the best configuration, retrained on train+validation: ${percent(result.testAccuracy)}`,
    );
  } else if (result.interrupted !== false && result.best !== undefined) {
    lines.push(
      "The test evaluation was skipped; run the same command again to continue the study.",
    );
  }
  lines.push(
    `Epochs trained: ${result.epochsTrained}; saved by pruning and early stopping: ${result.epochsSaved} of ${result.epochsTrained + result.epochsSaved}`,
  );
  return `${lines.join("\n")}\n`;
}

async function demo(options: DemoFlags): Promise<number> {
  const sigint = new SigintGuard();
  try {
    const { runDemo } = await import("./demo.js");
    const result = await runDemo({
      nTrials: options.trials,
      timeout: options.timeout,
      concurrency: options.concurrency,
      storage: options.storage,
      studyName: options.studyName,
      seed: options.seed,
      maxEpochs: options.epochs,
      signal: sigint.signal,
      ...(options.progress ? {} : { showProgressBar: false }),
    });
    process.stdout.write(formatDemoResult(result, options.storage));
    await result.study.storage.close();
    return result.interrupted !== false ? EXIT_INTERRUPTED : 0;
  } catch (error) {
    // Ctrl-C while the study was being opened or the data loaded.
    if (sigint.signal.aborted) return EXIT_INTERRUPTED;
    throw error;
  } finally {
    sigint.dispose();
  }
}

/** Builds the `skipjack` command line; `done` receives the exit status of a command. */
export function buildProgram(done: (status: number) => void = () => undefined): Command {
  const program = new Command()
    .name("skipjack")
    .description("Hyperparameter optimization for deep learning, native to TypeScript.")
    // --version only: -v is --verbose, as in Optuna's commands.
    .version(packageVersion(), "--version", "print the version")
    .helpOption("-h, --help", "show this help")
    .option("--debug", "print the stack trace of an error (also SKIPJACK_DEBUG=1)")
    // Errors come back to run() as exceptions; each parser message is one line.
    .exitOverride()
    .configureOutput({
      outputError: (text, write) => write(formatParserMessage(text)),
    });

  program
    .command("demo")
    .description(
      "tune an MLP on the shipped digits dataset with TensorFlow.js (TPE + Hyperband), " +
        "then evaluate the winner once on held-out test data; running it again continues the study",
    )
    .addOption(
      new Option("-n, --trials <n>", "trials to run")
        .argParser(integer("--trials", 1))
        .default(150),
    )
    .addOption(
      new Option("-t, --timeout <seconds>", "start no trial after this many seconds")
        .argParser(seconds)
        .default(210),
    )
    .addOption(
      new Option("-c, --concurrency <k>", "trials at once in this process")
        .argParser(integer("--concurrency", 1))
        .default(1),
    )
    .option("-s, --storage <url>", "storage URL", "sqlite:///skipjack-demo.db")
    .option("--study-name <name>", "study name", "skipjack-demo")
    .addOption(
      new Option("--seed <n>", "seed of the split, sampler, initializers, shuffling and dropout")
        .argParser(integer("--seed", 0))
        .default(0),
    )
    .addOption(
      new Option("--epochs <n>", "maximum epochs of a trial")
        .argParser(integer("--epochs", 2))
        .default(50),
    )
    .option("--no-progress", "no progress bar")
    .action(async (options: DemoFlags) => {
      done(await demo(options));
    });
  return registerCommands(program, done);
}

/** Runs the command line and returns its exit status; errors are printed, not thrown. */
export async function run(argv: readonly string[]): Promise<number> {
  let status = 0;
  const program = buildProgram((s) => {
    status = s;
  });
  try {
    if (argv.length <= 2) program.help();
    await program.parseAsync([...argv]);
    return status;
  } catch (error) {
    return reportError(error, debugWanted(argv, process.env));
  }
}

// Exit explicitly: database pools and the wasm backend may keep the process alive otherwise.
process.exit(await run(process.argv));
