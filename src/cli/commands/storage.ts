/** storage upgrade, export and copy-study: commands on whole databases. */
import { createWriteStream } from "node:fs";
import { type Command, Option } from "commander";
import { DuplicatedStudyError, InvalidArgumentError } from "../../errors/index.js";
import { pythonJsonLoads } from "../../json/python.js";
import { logger } from "../../logging/index.js";
import { parseLocalDatetime } from "../../storages/rdb/encoding.js";
import { maskUrl } from "../../storages/resolve.js";
import { TrialState } from "../../trial/state.js";
import { type Cell, Dict, PythonFloat } from "../cells.js";
import {
  addCommonOptions,
  type CommonFlags,
  storageUrl,
  withExample,
  withLogging,
} from "../context.js";
import { openForWrite } from "../open.js";
import { type Fields, printJsonTexts, printRecords, type Sink } from "../output.js";
import { openReader } from "../reader.js";
import { findStudy, streamTrials, studyColumns, type TrialData } from "../study-data.js";
import { duration, type TrialShape, trialHeader, trialJson } from "../trial-records.js";
import type { CommandContext } from "./types.js";

const STATES = Object.values(TrialState) as string[];

function parseStates(list: string[] | undefined): TrialState[] | undefined {
  if (list === undefined) return undefined;
  return list
    .flatMap((s) => s.split(","))
    .filter((s) => s !== "")
    .map((s) => {
      const state = s.toUpperCase();
      if (!STATES.includes(state)) {
        throw new InvalidArgumentError(
          `--states: unknown state "${s}" (use ${STATES.join(", ").toLowerCase()}).`,
        );
      }
      return state as TrialState;
    });
}

/** A trial as export writes it: Optuna's trial columns, full datetimes, intermediate values. */
function exportFields(trial: TrialData, shape: TrialShape): Fields {
  const fields: [string, Cell][] = [["number", trial.number]];
  const value = (v: number | null | undefined): Cell =>
    v === null || v === undefined ? null : new PythonFloat(v);
  if (shape.nObjectives === 1) fields.push(["value", value(trial.values?.[0])]);
  else
    fields.push([
      "values",
      Array.from({ length: shape.nObjectives }, (_, i) => value(trial.values?.[i])),
    ]);
  fields.push(
    ["datetime_start", trial.datetimeStart],
    ["datetime_complete", trial.datetimeComplete],
    ["duration", duration(trial)],
  );
  if (shape.params.length > 0) fields.push(["params", new Dict(trial.params)]);
  if (shape.userAttrs.length > 0) fields.push(["user_attrs", new Dict(trial.userAttrs)]);
  // Steps as keys, as Optuna's FrozenTrial.intermediate_values dict prints in JSON.
  fields.push([
    "intermediate_values",
    new Dict(trial.intermediate.map(([s, v]) => [String(s), new PythonFloat(v)])),
  ]);
  fields.push(["state", trial.state]);
  return fields;
}

function fileSink(path: string): { sink: Sink; close: () => Promise<void> } {
  const stream = createWriteStream(path);
  let failure: Error | undefined;
  stream.on("error", (error) => {
    failure = error;
  });
  return {
    sink: {
      write: (text) => {
        if (failure !== undefined) throw failure;
        return stream.write(text)
          ? undefined
          : new Promise<void>((resolve) => stream.once("drain", resolve));
      },
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        stream.end(() => (failure === undefined ? resolve() : reject(failure)));
      }),
  };
}

export function registerStorageCommands(program: Command, ctx: CommandContext): void {
  const storage = program.command("storage").description("commands on a whole database (upgrade)");
  withExample(
    addCommonOptions(
      storage
        .command("upgrade")
        .description(
          "upgrade a database left at Optuna 3.0/3.1's schema (v3.0.0.d) to v3.2.0.a, in one transaction",
        ),
    ),
    "skipjack storage upgrade --storage sqlite:///optuna-3.1.db",
  ).action(async (flags: CommonFlags) => {
    const url = storageUrl(flags, ctx.io.env);
    await withLogging(flags, ctx.io, async () => {
      const { upgradeStorage } = await import("../upgrade.js");
      const outcome = await upgradeStorage(url);
      logger.info(
        outcome === "up-to-date"
          ? "This storage is up-to-date."
          : "Completed to upgrade the storage (schema revision v3.0.0.d to v3.2.0.a).",
      );
    });
    ctx.done(0);
  });

  withExample(
    addCommonOptions(
      program
        .command("export")
        .description(
          "write every trial of a study with its intermediate values, streamed (csv, json or jsonl)",
        )
        .requiredOption("--study-name <name>", "name of the study")
        .option(
          "--states <states...>",
          "only trials in these states (complete, pruned, fail, running, waiting)",
        )
        .addOption(
          new Option("-f, --format <format>", "output format")
            .choices(["csv", "json", "jsonl"])
            .default("csv"),
        )
        .option("-o, --output <file>", "write to this file instead of standard output"),
    ),
    "skipjack export --storage sqlite:///study.db --study-name mnist --states complete -f jsonl -o trials.jsonl",
  ).action(
    async (
      flags: CommonFlags & {
        studyName: string;
        states?: string[];
        format: "csv" | "json" | "jsonl";
        output?: string;
      },
    ) => {
      const url = storageUrl(flags, ctx.io.env);
      const states = parseStates(flags.states);
      await withLogging(flags, ctx.io, async () => {
        const reader = await openReader(url);
        const file = flags.output === undefined ? undefined : fileSink(flags.output);
        try {
          const { studyId, directions } = await findStudy(reader, flags.studyName);
          const columns = await studyColumns(reader, studyId);
          const shape: TrialShape = { nObjectives: directions.length, ...columns };
          const trials = streamTrials(reader, studyId, {
            intermediate: true,
            ...(states === undefined ? {} : { states }),
            ...(columns.kinds === null ? {} : { kinds: columns.kinds }),
          });
          async function* records(): AsyncGenerator<Fields> {
            for await (const trial of trials) yield exportFields(trial, shape);
          }
          if (flags.format !== "csv") {
            async function* texts(): AsyncGenerator<string> {
              for await (const trial of trials)
                yield trialJson(trial, shape, { flatten: false, full: true });
            }
            await printJsonTexts(texts(), {
              lines: flags.format === "jsonl",
              sink: file?.sink ?? ctx.io.out,
            });
            return;
          }
          const header = trialHeader(shape, true);
          header.splice(header.length - 1, 0, "intermediate_values");
          await printRecords(records(), {
            format: flags.format,
            flatten: false,
            header,
            sink: file?.sink ?? ctx.io.out,
          });
        } finally {
          await reader.close();
          await file?.close();
        }
      });
      ctx.done(0);
    },
  );

  withExample(
    addCommonOptions(
      program
        .command("copy-study")
        .description("copy a study with its trials and attributes into another database (or name)")
        .requiredOption("--from-storage <url>", "database to copy from (read only)")
        .requiredOption("--to-storage <url>", "database to copy into (tables created if needed)")
        .requiredOption("--study-name <name>", "name of the study to copy")
        .option("--to-study-name <name>", "name of the copy (default: the same name)"),
    ),
    "skipjack copy-study --from-storage sqlite:///laptop.db --to-storage postgresql://user:***@db/team --study-name mnist",
  ).action(
    async (
      flags: CommonFlags & {
        fromStorage: string;
        toStorage: string;
        studyName: string;
        toStudyName?: string;
      },
    ) => {
      await withLogging(flags, ctx.io, async () => {
        const reader = await openReader(flags.fromStorage);
        try {
          const { studyId, directions } = await findStudy(reader, flags.studyName);
          const attrs = async (table: string) =>
            (
              await reader.all(`SELECT "key", value_json FROM ${table} WHERE study_id = ?`, [
                studyId,
              ])
            ).map((r) => [String(r["key"]), pythonJsonLoads(String(r["value_json"]))] as const);
          const target = await openForWrite(flags.toStorage, true);
          try {
            const { createStudy } = await import("../../study/create.js");
            const name = flags.toStudyName ?? flags.studyName;
            const study = await createStudy({ storage: target, studyName: name, directions }).catch(
              (error: unknown) => {
                if (!(error instanceof DuplicatedStudyError)) throw error;
                throw new DuplicatedStudyError(
                  `A study named ${JSON.stringify(name)} already exists in ${maskUrl(flags.toStorage)}: pick another --to-study-name (nothing was copied).`,
                );
              },
            );
            for (const [k, v] of await attrs("study_user_attributes"))
              await study.setUserAttr(k, v);
            for (const [k, v] of await attrs("study_system_attributes"))
              await study.setSystemAttr(k, v);
            let copied = 0;
            // Straight into the target storage, every state included (RUNNING and WAITING
            // trials too, as Optuna's copy_study copies them), parameters as stored.
            for await (const trial of streamTrials(reader, studyId, {
              intermediate: true,
              systemAttrs: true,
              withDistributions: true,
            })) {
              await target.createNewTrial(study.studyId, {
                state: trial.state,
                values: trial.values === null ? null : trial.values.map((v) => v ?? Number.NaN),
                datetimeStart: parseLocalDatetime(trial.datetimeStart),
                datetimeComplete: parseLocalDatetime(trial.datetimeComplete),
                params: Object.fromEntries(trial.stored ?? []),
                userAttrs: Object.fromEntries(trial.userAttrs),
                systemAttrs: Object.fromEntries(trial.systemAttrs),
                intermediateValues: new Map(trial.intermediate),
              });
              copied++;
            }
            logger.info(
              `Copied study "${flags.studyName}" with ${copied} trials to ${study.studyName} in the target storage.`,
            );
          } finally {
            await target.close();
          }
        } finally {
          await reader.close();
        }
      });
      ctx.done(0);
    },
  );
}
