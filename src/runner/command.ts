/** The `skipjack run` command line: flags, their checks, and the summary it prints. */
import { type Command, InvalidArgumentError as CommanderArgumentError, Option } from "commander";
import type { CommandContext } from "../cli/commands/types.js";
import { storageUrl, withExample, withLogging } from "../cli/context.js";
import type { StudyDirection } from "../trial/state.js";

interface RunFlags {
  storage?: string;
  studyName: string;
  space?: string;
  metric: string[];
  direction: StudyDirection[];
  trials?: number;
  timeout?: number;
  concurrency?: number;
  gpus?: string;
  sampler?: string;
  samplerKwargs?: string;
  pruner?: string;
  prunerKwargs?: string;
  enqueue?: string;
  objectiveValue: "last" | "best";
  logDir?: string;
  trialsDir?: string;
  killGrace: number;
  trialTimeout?: number;
  maxConsecutiveFailures: number;
  heartbeatInterval: number;
  gracePeriod?: number;
  retries: number;
  verbose?: boolean;
  quiet?: boolean;
  progress: boolean;
  api: boolean;
}

function collect<T>(parse: (text: string) => T) {
  return (text: string, previous: T[] | undefined): T[] => [...(previous ?? []), parse(text)];
}

function integer(flag: string, min: number) {
  return (text: string): number => {
    const value = Number(text);
    if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(value) || value < min) {
      throw new CommanderArgumentError(`${flag} must be an integer >= ${min}, got "${text}".`);
    }
    return value;
  };
}

function positiveSeconds(flag: string, allowZero = false) {
  return (text: string): number => {
    const value = Number(text);
    if (text.trim() === "" || !(allowZero ? value >= 0 : value > 0) || !Number.isFinite(value)) {
      throw new CommanderArgumentError(
        `${flag} must be a number of seconds ${allowZero ? ">= 0" : "> 0"}, got "${text}".`,
      );
    }
    return value;
  };
}

function direction(text: string): StudyDirection {
  const d = text.toLowerCase();
  if (d !== "minimize" && d !== "maximize") {
    throw new CommanderArgumentError(`--direction is minimize or maximize, got "${text}".`);
  }
  return d;
}

/** Adds `skipjack run` to the program. */
export function registerRun(program: Command, ctx: CommandContext): void {
  const command = program
    .command("run")
    .description(
      "tune any command: each trial runs it with the trial's parameters and reads its metric lines " +
        '({"val_loss": 0.31, "epoch": 3}) from standard output',
    )
    .argument("<command...>", "the command and its arguments, after --; {name} placeholders")
    .option(
      "--storage <url>",
      "database URL, e.g. sqlite:///hpo.db (default: $SKIPJACK_STORAGE, else $OPTUNA_STORAGE)",
    )
    .requiredOption("--study-name <name>", "study to create or continue")
    .option("--space <file|json>", "search space: a JSON or YAML file, or inline JSON")
    .option(
      "--metric <key>",
      "key of the metric lines (repeat for several objectives)",
      collect((k: string) => k),
    )
    .option("--direction <dir>", "minimize or maximize, one per --metric", collect(direction))
    .option("-n, --trials <n>", "trials to run in this process", integer("--trials", 1))
    .option(
      "--timeout <seconds>",
      "start no trial after this many seconds",
      positiveSeconds("--timeout"),
    )
    .option(
      "--concurrency <k>",
      "trials at once (default: the number of --gpus, else 1)",
      integer("--concurrency", 1),
    )
    .option("--gpus <ids>", "GPU ids, e.g. 0,1,2,3: each slot gets its own CUDA_VISIBLE_DEVICES")
    .option("--sampler <name>", "tpe, gp, cmaes, random, qmc, grid, nsga2, nsga3, bruteforce")
    .option("--sampler-kwargs <json>", "the sampler's options, e.g. '{\"seed\": 1}'")
    .option(
      "--pruner <name>",
      "median, percentile, asha, hyperband, threshold, patient, wilcoxon, none",
    )
    .option("--pruner-kwargs <json>", "the pruner's options, e.g. '{\"n_startup_trials\": 5}'")
    .option("--enqueue <json>", "parameters of the first trials: an object or a list of them")
    .addOption(
      new Option("--objective-value <which>", "the trial's value: the last or the best reported")
        .choices(["last", "best"])
        .default("last"),
    )
    .option("--log-dir <dir>", "where trial logs go (default: skipjack-logs/<study>)")
    .option(
      "--trials-dir <dir>",
      "where each trial's fresh directory is made (default: skipjack-trials/<study>)",
    )
    .option(
      "--kill-grace <seconds>",
      "seconds between SIGTERM and SIGKILL when a trial is stopped",
      positiveSeconds("--kill-grace", true),
      10,
    )
    .option(
      "--trial-timeout <seconds>",
      "stop a trial after this many seconds and mark it FAIL",
      positiveSeconds("--trial-timeout"),
    )
    .option(
      "--max-consecutive-failures <n>",
      "stop after this many failed trials in a row (0: never)",
      integer("--max-consecutive-failures", 0),
      5,
    )
    .option(
      "--heartbeat-interval <seconds>",
      "seconds between heartbeats of a running trial (0: off)",
      positiveSeconds("--heartbeat-interval", true),
      60,
    )
    .option(
      "--grace-period <seconds>",
      "a trial without a heartbeat this long is stale (default: 2 × interval)",
      positiveSeconds("--grace-period"),
    )
    .option(
      "--retries <n>",
      "retries of a trial failed as stale (its worker died)",
      integer("--retries", 0),
      0,
    )
    .option("--verbose", "stream each trial's output, prefixed with [trial N]")
    .option("-q, --quiet", "only warnings and errors on standard error")
    .option("--no-progress", "no progress bar")
    .option("--no-api", "do not serve the trial API to the command")
    .option("--debug", "print the stack trace of an error (also SKIPJACK_DEBUG=1)");
  withExample(
    command,
    "skipjack run --storage sqlite:///hpo.db --study-name mlp --space space.yaml \\",
    "    --metric val_loss --trials 100 --concurrency 4 --gpus 0,1,2,3 --pruner hyperband \\",
    "    -- python train.py --lr {lr} --layers {layers} --out {trial_dir}",
  );
  command.action(async (argv: string[], flags: RunFlags) => {
    const url = storageUrl(
      flags.storage === undefined ? {} : { storage: flags.storage },
      ctx.io.env,
    );
    const { readSpace } = await import("./space.js");
    const { parseGpus } = await import("./slots.js");
    const { runStudy } = await import("./run.js");
    const space = flags.space === undefined ? null : readSpace(flags.space);
    const gpus = flags.gpus === undefined ? null : parseGpus(flags.gpus);
    const metrics = flags.metric ?? [];
    if (metrics.length === 0 && !flags.api) {
      throw new CommanderArgumentError(
        "--metric is required with --no-api: the key of the JSON lines the command prints, e.g. --metric val_loss.",
      );
    }
    const directions =
      flags.direction ??
      Array.from({ length: Math.max(metrics.length, 1) }, (): StudyDirection => "minimize");
    const api = flags.api ? await serverApi() : undefined;
    const result = await withLogging({ ...(flags.quiet ? { quiet: true } : {}) }, ctx.io, () =>
      runStudy({
        storage: url,
        studyName: flags.studyName,
        directions,
        metrics,
        space,
        command: argv,
        nTrials: flags.trials,
        timeout: flags.timeout,
        concurrency: flags.concurrency ?? (gpus?.length || 1),
        gpus,
        sampler: flags.sampler,
        samplerKwargs: flags.samplerKwargs,
        pruner: flags.pruner,
        prunerKwargs: flags.prunerKwargs,
        enqueue: flags.enqueue,
        objectiveValue: flags.objectiveValue,
        logDir: flags.logDir,
        trialsDir: flags.trialsDir,
        killGrace: flags.killGrace,
        trialTimeout: flags.trialTimeout ?? null,
        maxConsecutiveFailures: flags.maxConsecutiveFailures,
        heartbeatInterval: flags.heartbeatInterval,
        gracePeriod: flags.gracePeriod,
        retries: flags.retries,
        verbose: flags.verbose === true,
        ...(flags.progress ? {} : { showProgressBar: false }),
        api,
      }),
    );
    ctx.done(result.status);
  });
}

/** The trial API served to children, when the server part is there. */
async function serverApi() {
  const { childApi } = await import("./api.js");
  return childApi;
}
