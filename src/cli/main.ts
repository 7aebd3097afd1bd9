#!/usr/bin/env node
import { readFileSync } from "node:fs";
import { Command, InvalidArgumentError as CommanderArgumentError, Option } from "commander";

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

/** Builds the `skipjack` command line. */
export function buildProgram(): Command {
  const program = new Command()
    .name("skipjack")
    .description("Hyperparameter optimization for deep learning, native to TypeScript.")
    .version(packageVersion(), "-v, --version", "print the version")
    .helpOption("-h, --help", "show this help")
    .showHelpAfterError();

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
      new Option("--seed <n>", "seed of the split, sampler and initializers")
        .argParser(integer("--seed", 0))
        .default(0),
    )
    .addOption(
      new Option("--epochs <n>", "maximum epochs of a trial")
        .argParser(integer("--epochs", 2))
        .default(50),
    )
    .option("--no-progress", "no progress bar")
    .action(
      async (options: {
        trials: number;
        timeout: number;
        concurrency: number;
        storage: string;
        studyName: string;
        seed: number;
        epochs: number;
        progress: boolean;
      }) => {
        const { runDemo } = await import("./demo.js");
        const result = await runDemo({
          nTrials: options.trials,
          timeout: options.timeout,
          concurrency: options.concurrency,
          storage: options.storage,
          studyName: options.studyName,
          seed: options.seed,
          maxEpochs: options.epochs,
          ...(options.progress ? {} : { showProgressBar: false }),
        });
        const lines = [
          "",
          `Study "${result.study.studyName}" in ${options.storage}: ${result.trials} trials (${result.pruned} pruned), TF.js backend "${result.backend}"`,
          `Best parameters: ${JSON.stringify(result.bestParams)}`,
          `Validation accuracy of the best trial: ${(100 * result.validationAccuracy).toFixed(2)}%`,
          `Test accuracy of the best configuration, retrained on train+validation: ${(100 * result.testAccuracy).toFixed(2)}%`,
          `Epochs trained: ${result.epochsTrained}; saved by pruning and early stopping: ${result.epochsSaved} of ${result.epochsTrained + result.epochsSaved}`,
        ];
        process.stdout.write(`${lines.join("\n")}\n`);
      },
    );
  return program;
}

const program = buildProgram();
if (process.argv.length <= 2) program.help();
await program.parseAsync(process.argv);
