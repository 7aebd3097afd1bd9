#!/usr/bin/env node
import { readFileSync } from "node:fs";
import { Command } from "commander";

function packageVersion(): string {
  const url = new URL("../../package.json", import.meta.url);
  return (JSON.parse(readFileSync(url, "utf8")) as { version: string }).version;
}

/** Builds the `skipjack` command line. */
export function buildProgram(): Command {
  return new Command()
    .name("skipjack")
    .description("Hyperparameter optimization for deep learning, native to TypeScript.")
    .version(packageVersion(), "-v, --version", "print the version")
    .helpOption("-h, --help", "show this help")
    .showHelpAfterError();
}

const program = buildProgram();
if (process.argv.length <= 2) program.help();
await program.parseAsync(process.argv);
