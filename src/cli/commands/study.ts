/** create-study, delete-study and study set-user-attr: Optuna's commands that change studies. */
import { type Command, Option } from "commander";
import { DuplicatedStudyError } from "../../errors/index.js";
import { logger } from "../../logging/index.js";
import { maskUrl } from "../../storages/resolve.js";
import type { StudyDirection } from "../../trial/state.js";
import {
  addCommonOptions,
  type CommonFlags,
  storageUrl,
  withExample,
  withLogging,
} from "../context.js";
import { openForWrite, studyIdOf } from "../open.js";
import type { CommandContext } from "./types.js";

interface CreateFlags extends CommonFlags {
  studyName?: string;
  direction?: StudyDirection;
  directions?: StudyDirection[];
  skipIfExists?: boolean;
}

export function registerStudyCommands(program: Command, ctx: CommandContext): void {
  const directions = ["minimize", "maximize"];
  withExample(
    addCommonOptions(
      program
        .command("create-study")
        .description("create a new study and print its name")
        .option("--study-name <name>", "name of the study (a unique no-name-... name when omitted)")
        .addOption(
          new Option("--direction <direction>", "direction of one objective").choices(directions),
        )
        .addOption(
          new Option("--directions <directions...>", "directions of several objectives").choices(
            directions,
          ),
        )
        .option("--skip-if-exists", "print the name without error when the study exists"),
    ),
    "skipjack create-study --storage sqlite:///study.db --study-name mnist --direction maximize",
  ).action(async (flags: CreateFlags) => {
    const url = storageUrl(flags, ctx.io.env);
    await withLogging(flags, ctx.io, async () => {
      const storage = await openForWrite(url, true);
      try {
        const existed =
          flags.skipIfExists === true &&
          flags.studyName !== undefined &&
          (await storage.getAllStudies()).some((s) => s.studyName === flags.studyName);
        const { createStudy } = await import("../../study/create.js");
        const study = await createStudy({
          storage,
          ...(flags.studyName === undefined ? {} : { studyName: flags.studyName }),
          ...(flags.direction === undefined ? {} : { direction: flags.direction }),
          ...(flags.directions === undefined ? {} : { directions: flags.directions }),
          loadIfExists: flags.skipIfExists === true,
        }).catch((error: unknown) => {
          if (!(error instanceof DuplicatedStudyError)) throw error;
          throw new DuplicatedStudyError(
            `A study named ${JSON.stringify(flags.studyName)} already exists in ${maskUrl(url)}: pick another --study-name, or pass --skip-if-exists to print its name instead.`,
          );
        });
        logger.info(
          existed
            ? `Using an existing study with name '${study.studyName}' instead of creating a new one.`
            : `A new study created in RDB with name: ${study.studyName}`,
        );
        await ctx.io.out.write(`${study.studyName}\n`);
      } finally {
        await storage.close();
      }
    });
    ctx.done(0);
  });

  withExample(
    addCommonOptions(
      program
        .command("delete-study")
        .description("delete a study and all its trials")
        .requiredOption("--study-name <name>", "name of the study to delete"),
    ),
    "skipjack delete-study --storage sqlite:///study.db --study-name mnist",
  ).action(async (flags: CommonFlags & { studyName: string }) => {
    const url = storageUrl(flags, ctx.io.env);
    await withLogging(flags, ctx.io, async () => {
      const storage = await openForWrite(url, false);
      try {
        await storage.deleteStudy(await studyIdOf(storage, flags.studyName, url));
        logger.info(`Deleted study ${JSON.stringify(flags.studyName)}.`);
      } finally {
        await storage.close();
      }
    });
    ctx.done(0);
  });

  const study = program.command("study").description("commands on one study (set-user-attr)");
  withExample(
    addCommonOptions(
      study
        .command("set-user-attr")
        .description("set a user attribute of a study (the value is stored as a string)")
        .requiredOption("--study-name <name>", "name of the study")
        .requiredOption("-k, --key <key>", "key of the attribute")
        .requiredOption("--value <value>", "value to set"),
    ),
    "skipjack study set-user-attr --storage sqlite:///study.db --study-name mnist -k owner --value ana",
  ).action(async (flags: CommonFlags & { studyName: string; key: string; value: string }) => {
    const url = storageUrl(flags, ctx.io.env);
    await withLogging(flags, ctx.io, async () => {
      const storage = await openForWrite(url, false);
      try {
        const id = await studyIdOf(storage, flags.studyName, url);
        await storage.setStudyUserAttr(id, flags.key, flags.value);
        logger.info("Attribute successfully written.");
      } finally {
        await storage.close();
      }
    });
    ctx.done(0);
  });
}
