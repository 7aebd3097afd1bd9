/**
 * `skipjack run --space`: the static search space, from a JSON or YAML file or inline JSON.
 * Each parameter is either Optuna's distribution JSON (`{"name": "FloatDistribution",
 * "attributes": {...}}`, what `optuna ask --search-space` takes) or the short form
 * (`{type: float, low: 1e-4, high: 0.1, log: true}`), read by the same parser as `ask`.
 */
import { existsSync, readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { parseSearchSpace } from "../cli/search-space.js";
import type { SearchSpace } from "../distributions/index.js";
import { InvalidArgumentError } from "../errors/index.js";

/** Reads `--space`: a path to a .json/.yaml/.yml file, or a JSON object on the command line. */
export function readSpace(arg: string): SearchSpace {
  const inline = arg.trimStart().startsWith("{");
  if (!inline && !existsSync(arg)) {
    throw new InvalidArgumentError(
      `--space ${arg}: no such file (give a JSON or YAML file, or a JSON object such as '{"lr": {"type": "float", "low": 0.0001, "high": 0.1, "log": true}}').`,
    );
  }
  const text = inline ? arg : readFileSync(arg, "utf8");
  return parseSpaceText(text, inline ? "--space" : `--space ${arg}`, !inline && isYamlPath(arg));
}

function isYamlPath(path: string): boolean {
  return /\.ya?ml$/i.test(path);
}

/** Parses a space document (YAML when `yaml`, else JSON); errors start with `where`. */
export function parseSpaceText(text: string, where: string, yaml: boolean): SearchSpace {
  let json = text;
  if (yaml) {
    let parsed: unknown;
    try {
      parsed = parseYaml(text);
    } catch (error) {
      throw new InvalidArgumentError(
        `${where} is not YAML: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`,
      );
    }
    json = JSON.stringify(parsed ?? null);
  }
  try {
    return parseSearchSpace(json);
  } catch (error) {
    if (error instanceof InvalidArgumentError) {
      throw new InvalidArgumentError(error.message.replace(/^--search-space/, where));
    }
    throw error;
  }
}
