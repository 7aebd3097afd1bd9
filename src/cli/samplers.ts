/**
 * `ask --sampler NAME --sampler-kwargs JSON`: Optuna's sampler class names, with the keyword
 * arguments in Optuna's snake_case (`{"n_startup_trials": 5, "seed": 1}`) turned into
 * skipjack's camelCase options.
 */
import { InvalidArgumentError } from "../errors/index.js";
import { type JsonValue, pythonJsonLoads } from "../json/python.js";
import type { Sampler } from "../samplers/sampler.js";

type Factory = (options: Record<string, unknown>) => Promise<Sampler>;

const FACTORIES: Record<string, Factory> = {
  RandomSampler: async (o) =>
    new (await import("../samplers/random/random-sampler.js")).RandomSampler(o),
  TPESampler: async (o) => new (await import("../samplers/tpe/tpe-sampler.js")).TPESampler(o),
  CmaEsSampler: async (o) =>
    new (await import("../samplers/cmaes/cmaes-sampler.js")).CmaEsSampler(o),
  QMCSampler: async (o) => new (await import("../samplers/qmc/qmc-sampler.js")).QMCSampler(o),
  GPSampler: async (o) => new (await import("../samplers/gp/gp-sampler.js")).GPSampler(o),
  NSGAIISampler: async (o) =>
    new (await import("../samplers/nsga2/nsga2-sampler.js")).NSGAIISampler(o),
  NSGAIIISampler: async (o) =>
    new (await import("../samplers/nsga3/nsga3-sampler.js")).NSGAIIISampler(o),
  BruteForceSampler: async (o) =>
    new (await import("../samplers/brute-force/brute-force-sampler.js")).BruteForceSampler(o),
  GridSampler: async (o) => {
    const { GridSampler } = await import("../samplers/grid/grid-sampler.js");
    const { searchSpace, ...rest } = o;
    if (searchSpace === undefined) {
      throw new InvalidArgumentError(
        '--sampler GridSampler needs --sampler-kwargs \'{"search_space": {"x": [1, 2]}}\'.',
      );
    }
    return new GridSampler(searchSpace as never, rest);
  },
};

function camel(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

/** The sampler `ask` uses, or undefined for the study's default. */
export async function samplerFromFlags(
  name: string | undefined,
  kwargs: string | undefined,
): Promise<Sampler | undefined> {
  if (name === undefined) {
    if (kwargs !== undefined) {
      throw new InvalidArgumentError(
        "--sampler-kwargs is set without --sampler: name the sampler class too, or leave --sampler-kwargs out.",
      );
    }
    return undefined;
  }
  const factory = FACTORIES[name];
  if (factory === undefined) {
    throw new InvalidArgumentError(
      `--sampler ${name} is not a sampler skipjack has; use one of ${Object.keys(FACTORIES).join(", ")}.`,
    );
  }
  let parsed: JsonValue = {};
  if (kwargs !== undefined) {
    try {
      parsed = pythonJsonLoads(kwargs);
    } catch {
      throw new InvalidArgumentError(`--sampler-kwargs is not JSON: ${kwargs}`);
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
      throw new InvalidArgumentError(
        "--sampler-kwargs must be a JSON object, e.g. '{\"seed\": 1}'.",
      );
    }
  }
  const options: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(parsed)) options[camel(key)] = value;
  return factory(options);
}
