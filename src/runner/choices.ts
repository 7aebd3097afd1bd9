/**
 * `--sampler NAME --sampler-kwargs JSON` and `--pruner NAME --pruner-kwargs JSON` of
 * `skipjack run`. Samplers take short names (tpe, gp, ...) or Optuna's class names, built by
 * the same code as `ask --sampler`; keyword arguments are in Optuna's snake_case.
 */
import { samplerFromFlags } from "../cli/samplers.js";
import type { SearchSpace } from "../distributions/index.js";
import { InvalidArgumentError } from "../errors/index.js";
import { type JsonValue, pythonJsonLoads } from "../json/python.js";
import { HyperbandPruner } from "../pruners/hyperband.js";
import { PatientPruner } from "../pruners/patient.js";
import { MedianPruner, PercentilePruner } from "../pruners/percentile.js";
import { NopPruner, type Pruner } from "../pruners/pruner.js";
import { SuccessiveHalvingPruner } from "../pruners/successive-halving.js";
import { ThresholdPruner } from "../pruners/threshold.js";
import { WilcoxonPruner } from "../pruners/wilcoxon.js";
import type { Sampler } from "../samplers/sampler.js";

/** Short sampler names and the class each stands for. */
export const SAMPLERS: Record<string, string> = {
  tpe: "TPESampler",
  gp: "GPSampler",
  cmaes: "CmaEsSampler",
  random: "RandomSampler",
  qmc: "QMCSampler",
  grid: "GridSampler",
  nsga2: "NSGAIISampler",
  nsga3: "NSGAIIISampler",
  bruteforce: "BruteForceSampler",
};

/** Pruner names `--pruner` takes. */
export const PRUNERS = [
  "median",
  "percentile",
  "asha",
  "hyperband",
  "threshold",
  "patient",
  "wilcoxon",
  "none",
] as const;

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

function camel(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

function camelKeys(object: Record<string, JsonValue>): Record<string, JsonValue> {
  return Object.fromEntries(Object.entries(object).map(([k, v]) => [camel(k), v]));
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
  if (name === undefined) return samplerFromFlags(undefined, kwargs);
  const className = SAMPLERS[name.toLowerCase()] ?? name;
  if (className === "GridSampler") {
    const options = kwargsObject("--sampler-kwargs", kwargs);
    if (options["search_space"] === undefined) {
      if (space === null) {
        throw new InvalidArgumentError(
          '--sampler grid needs --space, or --sampler-kwargs \'{"search_space": {"x": [1, 2]}}\'.',
        );
      }
      options["search_space"] = gridOf(space);
    }
    return samplerFromFlags(className, JSON.stringify(options));
  }
  if (!Object.values(SAMPLERS).includes(className)) {
    throw new InvalidArgumentError(
      `--sampler ${name} is not a sampler skipjack has; use one of ${Object.keys(SAMPLERS).join(", ")} (or Optuna's class names).`,
    );
  }
  return samplerFromFlags(className, kwargs);
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
  const key = name.toLowerCase().replace(/pruner$/, "");
  const o = camelKeys(kwargsObject("--pruner-kwargs", kwargs)) as Record<string, never>;
  switch (key) {
    case "median":
      return new MedianPruner(o);
    case "percentile": {
      const { percentile = 25, ...rest } = o as Record<string, number>;
      return new PercentilePruner(percentile, rest);
    }
    case "asha":
    case "successivehalving":
      return new SuccessiveHalvingPruner(o);
    case "hyperband":
      return new HyperbandPruner(o);
    case "threshold":
      return new ThresholdPruner(o);
    case "patient": {
      const { wrapped, ...rest } = o as Record<string, JsonValue>;
      const inner =
        wrapped === undefined || wrapped === null
          ? null
          : ((await prunerByName(String(wrapped), undefined)) ?? null);
      return new PatientPruner(inner, rest as never);
    }
    case "wilcoxon":
      return new WilcoxonPruner(o);
    case "none":
    case "nop":
      return new NopPruner();
    default:
      throw new InvalidArgumentError(
        `--pruner ${name} is not a pruner skipjack has; use one of ${PRUNERS.join(", ")}.`,
      );
  }
}
