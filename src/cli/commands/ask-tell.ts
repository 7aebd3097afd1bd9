/** ask and tell: hand out a trial to a shell script, and record its result. */
import { type Command, Option } from "commander";
import type { Distribution } from "../../distributions/index.js";
import { InvalidArgumentError } from "../../errors/index.js";
import { logger } from "../../logging/index.js";
import { isFinished, TrialState } from "../../trial/state.js";
import { type Cell, Dict, PythonFloat, pythonStr } from "../cells.js";
import {
  addCommonOptions,
  addFormatOptions,
  type CommonFlags,
  floatOption,
  integerOption,
  storageUrl,
  withExample,
  withLogging,
} from "../context.js";
import { openForWrite, studyIdOf } from "../open.js";
import { type Format, printRecords } from "../output.js";
import type { CommandContext } from "./types.js";

interface AskFlags extends CommonFlags {
  studyName: string;
  sampler?: string;
  samplerKwargs?: string;
  searchSpace?: string;
  format: Format;
  flatten?: boolean;
}

interface TellFlags extends CommonFlags {
  studyName: string;
  trialNumber: number;
  values?: number[];
  state?: "complete" | "pruned" | "fail";
  skipIfFinished?: boolean;
}

function paramCell(distribution: Distribution | undefined, value: unknown): Cell {
  if (distribution?.kind === "float" && typeof value === "number") return new PythonFloat(value);
  return value as Cell;
}

export function registerAskTell(program: Command, ctx: CommandContext): void {
  withExample(
    addFormatOptions(
      addCommonOptions(
        program
          .command("ask")
          .description(
            'create a trial, sample its parameters and print {"number": N, "params": {...}}',
          )
          .requiredOption(
            "--study-name <name>",
            "name of the study (create it first with create-study)",
          )
          .option(
            "--sampler <name>",
            "sampler class, as Optuna names it (e.g. TPESampler, RandomSampler)",
          )
          .option("--sampler-kwargs <json>", "the sampler's options as JSON, e.g. '{\"seed\": 1}'")
          .option(
            "--search-space <json>",
            "parameters as JSON: names mapped to Optuna's distribution_to_json output",
          ),
      ),
      "json",
      "flatten nested columns such as params",
    ),
    "skipjack ask --storage sqlite:///study.db --study-name mnist \\",
    '    --search-space \'{"lr": {"name": "FloatDistribution", "attributes": {"low": 1e-5, "high": 0.1, "log": true}}}\'',
  ).action(async (flags: AskFlags) => {
    const url = storageUrl(flags, ctx.io.env);
    const { parseSearchSpace } = await import("../search-space.js");
    const { samplerFromFlags } = await import("../samplers.js");
    const { loadStudy } = await import("../../study/create.js");
    const space = flags.searchSpace === undefined ? {} : parseSearchSpace(flags.searchSpace);
    const sampler = await samplerFromFlags(flags.sampler, flags.samplerKwargs);
    await withLogging(flags, ctx.io, async () => {
      const storage = await openForWrite(url, false);
      try {
        await studyIdOf(storage, flags.studyName, url);
        const study = await loadStudy({
          storage,
          studyName: flags.studyName,
          ...(sampler === undefined ? {} : { sampler }),
        });
        const trial = await study.ask(space);
        const params = Object.entries(trial.params);
        logger.info(
          `Asked trial ${trial.number} with parameters {${params.map(([k, v]) => `'${k}': ${pythonStr(paramCell(space[k], v))}`).join(", ")}}.`,
        );
        await printRecords(
          [
            [
              ["number", trial.number],
              ["params", new Dict(params.map(([k, v]) => [k, paramCell(space[k], v)]))],
            ],
          ],
          {
            format: flags.format,
            flatten: flags.flatten === true,
            header: [
              "number",
              ...(flags.flatten || flags.format === "csv"
                ? params.map(([k]) => `params_${k}`)
                : ["params"]),
            ],
            single: true,
            sink: ctx.io.out,
          },
        );
      } finally {
        await storage.close();
      }
    });
    ctx.done(0);
  });

  withExample(
    addCommonOptions(
      program
        .command("tell")
        .description("finish a trial created by ask: its values, or its state")
        .requiredOption("--study-name <name>", "name of the study")
        .requiredOption(
          "--trial-number <n>",
          "number of the trial",
          integerOption("--trial-number"),
        )
        .option(
          "--values <values...>",
          "objective values, one per objective",
          floatOption("--values"),
        )
        .addOption(
          new Option("--state <state>", "state to finish it in").choices([
            "complete",
            "pruned",
            "fail",
          ]),
        )
        .option("--skip-if-finished", "do nothing, without error, when the trial already finished"),
    ),
    "skipjack tell --storage sqlite:///study.db --study-name mnist --trial-number 0 --values 0.973",
  ).action(async (flags: TellFlags) => {
    const url = storageUrl(flags, ctx.io.env);
    await withLogging(flags, ctx.io, async () => {
      const storage = await openForWrite(url, false);
      try {
        const studyId = await studyIdOf(storage, flags.studyName, url);
        const stored =
          storage.getTrialByNumber !== undefined
            ? await storage.getTrialByNumber(studyId, flags.trialNumber)
            : ((await storage.getAllTrials(studyId)).find((t) => t.number === flags.trialNumber) ??
              null);
        if (stored === null) {
          const count = await storage.getNTrials(studyId);
          throw new InvalidArgumentError(
            `Study "${flags.studyName}" has no trial number ${flags.trialNumber} (its trials are numbered 0 to ${count - 1}).`,
          );
        }
        if (isFinished(stored.state)) {
          if (flags.skipIfFinished) {
            logger.info(`Skipped telling trial ${stored.number}: it is already ${stored.state}.`);
            return;
          }
          throw new InvalidArgumentError(
            `Trial ${stored.number} is already ${stored.state}; it cannot be told again (pass --skip-if-finished to ignore finished trials).`,
          );
        }
        const state =
          flags.state === undefined ? undefined : (flags.state.toUpperCase() as TrialState);
        const { loadStudy } = await import("../../study/create.js");
        const study = await loadStudy({ storage, studyName: flags.studyName });
        const told = await study.tell(flags.trialNumber, {
          ...(flags.values === undefined ? {} : { values: flags.values }),
          ...(state === undefined ? {} : { state }),
        });
        const values =
          flags.values === undefined
            ? "None"
            : `[${flags.values.map((v) => pythonStr(new PythonFloat(v))).join(", ")}]`;
        logger.info(`Told trial ${told.number} with values ${values} and state ${told.state}.`);
        if (told.state === TrialState.FAIL && state !== TrialState.FAIL) {
          logger.warn(
            `Trial ${told.number} is marked FAIL: its values were missing or not numbers.`,
          );
        }
      } finally {
        await storage.close();
      }
    });
    ctx.done(0);
  });
}
