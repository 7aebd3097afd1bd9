/**
 * Samplers and pruners by name, as `skipjack serve` clients and `skipjack run` flags give
 * them: short names (`tpe`, `hyperband`) or Optuna's class names (`TPESampler`,
 * `HyperbandPruner`), with keyword arguments in Optuna's snake_case turned into skipjack's
 * camelCase options.
 */
import { InvalidArgumentError } from "../errors/index.js";
import type { Pruner } from "../pruners/pruner.js";
import type { Sampler } from "../samplers/sampler.js";

type Options = Record<string, unknown>;
type Factory<T> = (options: Options) => Promise<T>;

const SAMPLERS: Record<string, Factory<Sampler>> = {
  tpe: async (o) => new (await import("../samplers/tpe/tpe-sampler.js")).TPESampler(o),
  random: async (o) => new (await import("../samplers/random/random-sampler.js")).RandomSampler(o),
  cmaes: async (o) => new (await import("../samplers/cmaes/cmaes-sampler.js")).CmaEsSampler(o),
  qmc: async (o) => new (await import("../samplers/qmc/qmc-sampler.js")).QMCSampler(o),
  gp: async (o) => new (await import("../samplers/gp/gp-sampler.js")).GPSampler(o),
  nsga2: async (o) => new (await import("../samplers/nsga2/nsga2-sampler.js")).NSGAIISampler(o),
  nsga3: async (o) => new (await import("../samplers/nsga3/nsga3-sampler.js")).NSGAIIISampler(o),
  bruteforce: async (o) =>
    new (await import("../samplers/brute-force/brute-force-sampler.js")).BruteForceSampler(o),
  grid: async (o) => {
    const { GridSampler } = await import("../samplers/grid/grid-sampler.js");
    const { searchSpace, ...rest } = o;
    if (searchSpace === null || typeof searchSpace !== "object") {
      throw new InvalidArgumentError(
        'The grid sampler needs its grid in the sampler\'s options: {"search_space": {"x": [1, 2]}}.',
      );
    }
    return new GridSampler(searchSpace as never, rest);
  },
};

const SAMPLER_CLASSES: Record<string, string> = {
  tpesampler: "tpe",
  randomsampler: "random",
  cmaessampler: "cmaes",
  qmcsampler: "qmc",
  gpsampler: "gp",
  nsgaiisampler: "nsga2",
  nsgaiiisampler: "nsga3",
  bruteforcesampler: "bruteforce",
  gridsampler: "grid",
};

const PRUNERS: Record<string, Factory<Pruner>> = {
  median: async (o) => new (await import("../pruners/percentile.js")).MedianPruner(o),
  percentile: async (o) => {
    const { PercentilePruner } = await import("../pruners/percentile.js");
    const { percentile, ...rest } = o;
    if (typeof percentile !== "number") {
      throw new InvalidArgumentError(
        'The percentile pruner needs its percentile: {"percentile": 25}.',
      );
    }
    return new PercentilePruner(percentile, rest);
  },
  asha: async (o) =>
    new (await import("../pruners/successive-halving.js")).SuccessiveHalvingPruner(o),
  hyperband: async (o) => new (await import("../pruners/hyperband.js")).HyperbandPruner(o),
  threshold: async (o) => new (await import("../pruners/threshold.js")).ThresholdPruner(o as never),
  patient: async (o) => {
    const { PatientPruner } = await import("../pruners/patient.js");
    const { MedianPruner } = await import("../pruners/percentile.js");
    if (typeof o["patience"] !== "number") {
      throw new InvalidArgumentError('The patient pruner needs its patience: {"patience": 3}.');
    }
    // Optuna's PatientPruner wraps another pruner; the median pruner is the usual choice.
    return new PatientPruner(new MedianPruner(), o as never);
  },
  wilcoxon: async (o) => new (await import("../pruners/wilcoxon.js")).WilcoxonPruner(o),
  none: async () => new (await import("../pruners/pruner.js")).NopPruner(),
};

const PRUNER_CLASSES: Record<string, string> = {
  medianpruner: "median",
  percentilepruner: "percentile",
  successivehalving: "asha",
  successivehalvingpruner: "asha",
  hyperbandpruner: "hyperband",
  thresholdpruner: "threshold",
  patientpruner: "patient",
  wilcoxonpruner: "wilcoxon",
  noppruner: "none",
  nop: "none",
};

function camel(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

function camelOptions(what: string, kwargs: unknown): Options {
  if (kwargs === undefined || kwargs === null) return {};
  if (typeof kwargs !== "object" || Array.isArray(kwargs)) {
    throw new InvalidArgumentError(`The ${what} options must be a JSON object, e.g. {"seed": 1}.`);
  }
  const options: Options = {};
  for (const [key, value] of Object.entries(kwargs)) options[camel(key)] = value;
  return options;
}

function lookup<T>(
  what: string,
  name: string,
  table: Record<string, Factory<T>>,
  classes: Record<string, string>,
): Factory<T> {
  const key = name.toLowerCase().replace(/[-_ ]/g, "");
  const factory = table[key] ?? table[classes[key] ?? ""];
  if (factory === undefined) {
    throw new InvalidArgumentError(
      `Unknown ${what} "${name}": use one of ${Object.keys(table).join(", ")}.`,
    );
  }
  return factory;
}

/** The names `samplerByName` takes (besides Optuna's class names). */
export const SAMPLER_NAMES: readonly string[] = Object.keys(SAMPLERS);
/** The names `prunerByName` takes (besides Optuna's class names). */
export const PRUNER_NAMES: readonly string[] = Object.keys(PRUNERS);

/**
 * A sampler from its name (`tpe`, `TPESampler`, ...) and keyword arguments in snake_case or
 * camelCase (`{"n_startup_trials": 5, "seed": 1}`).
 */
export async function samplerByName(name: string, kwargs?: unknown): Promise<Sampler> {
  return lookup("sampler", name, SAMPLERS, SAMPLER_CLASSES)(camelOptions("sampler", kwargs));
}

/** A pruner from its name (`hyperband`, `MedianPruner`, `none`, ...) and keyword arguments. */
export async function prunerByName(name: string, kwargs?: unknown): Promise<Pruner> {
  return lookup("pruner", name, PRUNERS, PRUNER_CLASSES)(camelOptions("pruner", kwargs));
}
