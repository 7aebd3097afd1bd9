/**
 * `skipjack report`: one self-contained HTML file about a study (summary, best trials,
 * importances and every figure that applies), Plotly's JavaScript inlined so that it opens
 * without network.
 */
import { writeFile } from "node:fs/promises";
import type { Command } from "commander";
import { StorageError } from "../../errors/index.js";
import { logger } from "../../logging/index.js";
import { loadStudy } from "../../study/create.js";
import { plotlyJs } from "../../visualization/node.js";
import { reportHtml } from "../../visualization/report.js";
import {
  addCommonOptions,
  type CommonFlags,
  storageUrl,
  withExample,
  withLogging,
} from "../context.js";
import { openForWrite, studyIdOf } from "../open.js";
import type { CommandContext } from "./types.js";

interface ReportFlags extends CommonFlags {
  studyName: string;
  output: string;
}

export function registerReport(program: Command, ctx: CommandContext): void {
  withExample(
    addCommonOptions(
      program
        .command("report")
        .description(
          "write a study's report (summary, best trials, importances, figures) as one HTML file",
        )
        .requiredOption("--study-name <name>", "name of the study")
        .requiredOption("-o, --output <path>", "the HTML file to write, e.g. report.html"),
    ),
    "skipjack report --storage sqlite:///study.db --study-name mnist -o report.html",
  ).action(async (flags: ReportFlags) => {
    const url = storageUrl(flags, ctx.io.env);
    await withLogging(flags, ctx.io, async () => {
      const storage = await openForWrite(url, false);
      let html: string;
      try {
        await studyIdOf(storage, flags.studyName, url);
        const study = await loadStudy({ studyName: flags.studyName, storage });
        html = reportHtml(await study.snapshot(), { plotlyJs: plotlyJs() });
      } finally {
        await storage.close();
      }
      try {
        await writeFile(flags.output, html);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new StorageError(
          `Cannot write the report to ${flags.output} (${reason}): check that the directory exists and is writable.`,
        );
      }
      logger.info(
        `Wrote the report of study ${JSON.stringify(flags.studyName)} to ${flags.output}.`,
      );
    });
    ctx.done(0);
  });
}
