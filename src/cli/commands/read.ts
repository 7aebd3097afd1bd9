/**
 * The commands that only read: study-names, studies, trials, best-trial, best-trials. They go
 * through a read-only connection (see reader.ts) and stream the trials.
 */
import type { Command } from "commander";
import { InvalidArgumentError } from "../../errors/index.js";
import { dominates } from "../../study/best.js";
import type { StudyDirection } from "../../trial/state.js";
import { type Cell, Tuple } from "../cells.js";
import {
  addCommonOptions,
  addFormatOptions,
  type CommonFlags,
  storageUrl,
  withExample,
  withLogging,
} from "../context.js";
import { type Fields, type Format, printJsonTexts, printRecords } from "../output.js";
import { openReader, type Reader } from "../reader.js";
import {
  completedValues,
  findStudy,
  listStudies,
  streamTrials,
  studyColumns,
  studyNames,
} from "../study-data.js";
import {
  shortDatetime,
  type TrialShape,
  trialFields,
  trialHeader,
  trialJson,
} from "../trial-records.js";
import type { CommandContext } from "./types.js";

interface ReadFlags extends CommonFlags {
  format: Format;
  flatten?: boolean;
  studyName?: string;
}

/** Opens the reader, runs `body`, closes it; with the command's logging. */
async function reading(
  flags: ReadFlags,
  ctx: CommandContext,
  body: (reader: Reader) => Promise<void>,
): Promise<void> {
  const url = storageUrl(flags, ctx.io.env);
  await withLogging(flags, ctx.io, async () => {
    const reader = await openReader(url);
    try {
      await body(reader);
    } finally {
      await reader.close();
    }
  });
  ctx.done(0);
}

/** Numbers of the best trials: the best one (single objective) or the Pareto front. */
export function bestNumbers(
  completed: readonly { number: number; values: number[]; complete: string | null }[],
  directions: readonly StudyDirection[],
  single: boolean,
): number[] {
  const usable = completed.filter(
    (t) => t.values.length === directions.length && !t.values.some(Number.isNaN),
  );
  if (single) {
    if (directions.length !== 1) {
      throw new InvalidArgumentError(
        "best-trial is for single-objective studies; this study has several objectives: use best-trials.",
      );
    }
    let best: (typeof usable)[number] | undefined;
    const sign = directions[0] === "maximize" ? -1 : 1;
    for (const t of usable) {
      if (best === undefined) best = t;
      else {
        const [v, b] = [sign * t.values[0]!, sign * best.values[0]!];
        // On a tie, the first trial to complete (as the library's bestTrial).
        const earlier =
          (t.complete ?? "\uffff") < (best.complete ?? "\uffff") ||
          (t.complete === best.complete && t.number < best.number);
        if (v < b || (v === b && earlier)) best = t;
      }
    }
    if (best === undefined) {
      throw new InvalidArgumentError(
        "No trials are completed yet: best-trial needs a COMPLETE trial.",
      );
    }
    return [best.number];
  }
  return usable
    .filter((c) => !usable.some((o) => o !== c && dominates(o.values, c.values, directions)))
    .map((t) => t.number);
}

async function printTrials(
  reader: Reader,
  flags: ReadFlags,
  ctx: CommandContext,
  which: "all" | "best" | "front",
): Promise<void> {
  const { studyId, directions } = await findStudy(reader, flags.studyName!);
  const columns = await studyColumns(reader, studyId);
  const shape: TrialShape = { nObjectives: directions.length, ...columns };
  let numbers: number[] | undefined;
  if (which !== "all") {
    numbers = bestNumbers(await completedValues(reader, studyId), directions, which === "best");
  }
  const trials = streamTrials(reader, studyId, {
    ...(numbers === undefined ? {} : { numbers }),
    ...(columns.kinds === null ? {} : { kinds: columns.kinds }),
  });
  if (flags.format === "json") {
    const flatten = flags.flatten === true;
    async function* texts(): AsyncGenerator<string> {
      for await (const trial of trials) yield trialJson(trial, shape, { flatten });
    }
    await printJsonTexts(texts(), { lines: false, single: which === "best", sink: ctx.io.out });
    return;
  }
  async function* records(): AsyncGenerator<Fields> {
    for await (const trial of trials) yield trialFields(trial, shape);
  }
  await printRecords(records(), {
    format: flags.format,
    flatten: flags.flatten === true,
    header: trialHeader(shape, flags.flatten === true || flags.format === "csv"),
    single: which === "best",
    sink: ctx.io.out,
  });
}

export function registerReadCommands(program: Command, ctx: CommandContext): void {
  withExample(
    addFormatOptions(
      addCommonOptions(
        program.command("study-names").description("print the names of all studies"),
      ),
      "value",
      null,
    ),
    "skipjack study-names --storage sqlite:///study.db",
  ).action((flags: ReadFlags) =>
    reading(flags, ctx, async (reader) => {
      const names = await studyNames(reader);
      await printRecords(
        names.map((name): Fields => [["name", name]]),
        { format: flags.format, flatten: false, header: ["name"], sink: ctx.io.out },
      );
    }),
  );

  withExample(
    addFormatOptions(
      addCommonOptions(
        program
          .command("studies")
          .description("list the studies: name, direction, n_trials, datetime_start, user_attrs"),
      ),
      "table",
      "flatten nested columns such as directions",
    ),
    "skipjack studies --storage sqlite:///study.db -f json",
  ).action((flags: ReadFlags) =>
    reading(flags, ctx, async (reader) => {
      const studies = await listStudies(reader);
      const withAttrs = studies.some((s) => s.userAttrs.length > 0);
      const records = studies.map((s): Fields => {
        const fields: [string, Cell][] = [
          ["name", s.name],
          ["direction", new Tuple(s.directions.map((d) => d.toUpperCase()))],
          ["n_trials", s.nTrials],
          ["datetime_start", shortDatetime(s.datetimeStart)],
        ];
        // A dict in one column (Optuna's ("user_attrs", "")): --flatten leaves it whole.
        if (withAttrs) fields.push(["user_attrs", Object.fromEntries(s.userAttrs)]);
        return fields;
      });
      const flat = flags.flatten === true || flags.format === "csv";
      const maxDirections = Math.max(1, ...studies.map((s) => s.directions.length));
      const header = [
        "name",
        ...(flat
          ? Array.from({ length: maxDirections }, (_, i) => `direction_${i}`)
          : ["direction"]),
        "n_trials",
        "datetime_start",
        ...(withAttrs ? ["user_attrs"] : []),
      ];
      await printRecords(records, {
        format: flags.format,
        flatten: flags.flatten === true,
        header,
        sink: ctx.io.out,
      });
    }),
  );

  const trialCommand = (
    name: string,
    description: string,
    which: "all" | "best" | "front",
    example: string,
  ) =>
    withExample(
      addFormatOptions(
        addCommonOptions(
          program
            .command(name)
            .description(description)
            .requiredOption("--study-name <name>", "name of the study"),
        ),
        "table",
        "flatten nested columns such as params and user_attrs",
      ),
      example,
    ).action((flags: ReadFlags) =>
      reading(flags, ctx, (reader) => printTrials(reader, flags, ctx, which)),
    );

  trialCommand(
    "trials",
    "list the trials of a study: number, value(s), datetime_start, datetime_complete, duration, params, user_attrs, state",
    "all",
    "skipjack trials --storage sqlite:///study.db --study-name mnist -f json",
  );
  trialCommand(
    "best-trial",
    'print the best trial of a single-objective study (-f json: its params under "params")',
    "best",
    "skipjack best-trial --storage sqlite:///study.db --study-name mnist -f json | jq .params",
  );
  trialCommand(
    "best-trials",
    "list the trials on the Pareto front of a study",
    "front",
    "skipjack best-trials --storage sqlite:///study.db --study-name multi -f json",
  );
}
