/**
 * `--sampler NAME --sampler-kwargs JSON` and `--pruner NAME --pruner-kwargs JSON` of
 * `skipjack run`: short names (tpe, hyperband, ...) or Optuna's class names, built by the same
 * code as the HTTP API's; keyword arguments are JSON in Optuna's snake_case. `--sampler grid`
 * without a `search_space` takes its grid from the static space.
 */
import type { SearchSpace } from "../distributions/index.js";
import { InvalidArgumentError } from "../errors/index.js";
import { type JsonValue, pythonJsonLoads } from "../json/python.js";
import type { Pruner } from "../pruners/pruner.js";
import type { Sampler } from "../samplers/sampler.js";
import {
  prunerByName as serverPruner,
  samplerByName as serverSampler,
} from "../server/study-config.js";

function kwargsObject(flag: string, text: string | undefined): Record<string, JsonValue> {
  if (text === undefined) return {};
  let parsed: JsonValue;
  try {
    parsed = pythonJsonLoads(text);
  } catch {
    throw new InvalidArgumentError(`${flag} is not JSON: ${text}`);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new InvalidArgumentError(`${flag} must be a JSON object, e.g. '{"seed": 1}'.`);
  }
  return parsed;
}

/**
 * The grid of a static space, for `--sampler grid` without a `search_space` keyword:
 * categorical choices, and every value of an int or stepped float range.
 */
function gridOf(space: SearchSpace | null): Record<string, JsonValue> {
  const grid: Record<string, JsonValue> = {};
  for (const [name, d] of Object.entries(space ?? {})) {
    if (d.kind === "categorical") {
      grid[name] = [...d.choices] as JsonValue;
    } else if ((d.kind === "int" && !d.log) || (d.kind === "float" && d.step !== null && !d.log)) {
      const step = d.step as number;
      const n = Math.floor((d.high - d.low) / step + 1e-9) + 1;
      if (n > 10_000) {
        throw new InvalidArgumentError(
          `--sampler grid: parameter "${name}" has ${n} grid points; give it a coarser step.`,
        );
      }
      grid[name] = Array.from({ length: n }, (_, i) => Number((d.low + i * step).toPrecision(15)));
    } else {
      throw new InvalidArgumentError(
        `--sampler grid: parameter "${name}" has no finite grid (give floats a step, no log); or pass --sampler-kwargs '{"search_space": {...}}'.`,
      );
    }
  }
  return grid;
}

/** The sampler of the run, or undefined for the study's default (TPE). */
export async function samplerByName(
  name: string | undefined,
  kwargs: string | undefined,
  space: SearchSpace | null,
): Promise<Sampler | undefined> {
  if (name === undefined) {
    if (kwargs !== undefined) {
      throw new InvalidArgumentError(
        "--sampler-kwargs is set without --sampler: name the sampler too.",
      );
    }
    return undefined;
  }
  const options = kwargsObject("--sampler-kwargs", kwargs);
  const grid = ["grid", "gridsampler"].includes(name.toLowerCase());
  if (grid && options["search_space"] === undefined) {
    if (space === null) {
      throw new InvalidArgumentError(
        '--sampler grid needs --space, or --sampler-kwargs \'{"search_space": {"x": [1, 2]}}\'.',
      );
    }
    options["search_space"] = gridOf(space);
  }
  return serverSampler(name, options);
}

/** The pruner of the run, or undefined for the default (median). */
export async function prunerByName(
  name: string | undefined,
  kwargs: string | undefined,
): Promise<Pruner | undefined> {
  if (name === undefined) {
    if (kwargs !== undefined) {
      throw new InvalidArgumentError(
        "--pruner-kwargs is set without --pruner: name the pruner too.",
      );
    }
    return undefined;
  }
  return serverPruner(name, kwargsObject("--pruner-kwargs", kwargs));
}
