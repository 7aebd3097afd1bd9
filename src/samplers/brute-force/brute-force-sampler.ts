import type { Distribution, ParamValue } from "../../distributions/index.js";
import { InvalidDistributionError } from "../../errors/index.js";
import { steppedValues } from "../../math/decimal.js";
import { Rng } from "../../math/rng.js";
import type { StudySnapshot } from "../../study/snapshot.js";
import type { Study } from "../../study/study.js";
import type { FrozenTrial } from "../../trial/frozen.js";
import { TrialState } from "../../trial/state.js";
import { IndependentSampler } from "../sampler.js";

/** Options of `BruteForceSampler`. */
export interface BruteForceSamplerOptions {
  seed?: number;
}

/** Every value of a finite distribution, in internal (float) form. */
function enumerate(distribution: Distribution): number[] {
  switch (distribution.kind) {
    case "categorical":
      return distribution.choices.map((_, i) => i);
    case "int": {
      const values: number[] = [];
      const step = distribution.log ? 1 : distribution.step;
      for (let v = distribution.low; v <= distribution.high; v += step) values.push(v);
      return values;
    }
    case "float": {
      if (distribution.step === null) {
        if (distribution.low === distribution.high) return [distribution.low];
        throw new InvalidDistributionError(
          "BruteForceSampler needs finite search spaces: give suggestFloat a step, or use suggestInt/suggestCategorical.",
        );
      }
      return steppedValues(distribution.low, distribution.high, distribution.step);
    }
  }
}

/** A node of the tree of parameter paths taken by past trials. */
class PathNode {
  name: string | null = null;
  candidates: number[] = [];
  readonly children = new Map<number, PathNode>();
  /** A finished trial ended exactly here. */
  leaf = false;

  child(value: number): PathNode {
    let node = this.children.get(value);
    if (node === undefined) {
      node = new PathNode();
      this.children.set(value, node);
    }
    return node;
  }

  /** Whether every path under this node has been evaluated. */
  exhausted(): boolean {
    if (this.leaf) return true;
    if (this.name === null) return false;
    return this.candidates.every((c) => this.children.get(c)?.exhausted() === true);
  }
}

function buildTree(trials: readonly FrozenTrial[]): PathNode {
  const root = new PathNode();
  for (const t of trials) {
    if (t.state === TrialState.WAITING) continue;
    let node = root;
    for (const [name, distribution] of Object.entries(t.distributions)) {
      if (node.name === null) {
        node.name = name;
        node.candidates = enumerate(distribution);
      } else if (node.name !== name) break; // another structure: leave it out
      node = node.child(distribution.toInternalRepr(t.params[name]));
    }
    if (t.state !== TrialState.RUNNING) node.leaf = true;
  }
  return root;
}

/**
 * Tries every combination of a finite search space (conditional ones too), discovering the
 * space from the trials, then stops the study. Floats need a `step`.
 */
export class BruteForceSampler extends IndependentSampler {
  private readonly seed: number;

  constructor(options: BruteForceSamplerOptions = {}) {
    super();
    this.seed = options.seed ?? Rng.randomSeed();
  }

  sampleIndependent(
    study: StudySnapshot,
    trial: FrozenTrial,
    name: string,
    distribution: Distribution,
  ): ParamValue {
    const others = study.trials.filter((t) => t.number !== trial.number);
    let node = buildTree(others);
    for (const [prior, d] of Object.entries(trial.distributions)) {
      if (node.name !== null && node.name !== prior) break;
      node.name = prior;
      if (node.candidates.length === 0) node.candidates = enumerate(d);
      node = node.child(d.toInternalRepr(trial.params[prior]));
    }
    const candidates = enumerate(distribution);
    if (node.name !== name) {
      node.name = name;
      node.candidates = candidates;
      node.children.clear();
    }
    const untried = candidates.filter((c) => !node.children.has(c));
    const open = candidates.filter((c) => node.children.get(c)?.exhausted() === false);
    const pool = untried.length > 0 ? untried : open.length > 0 ? open : candidates;
    const rng = new Rng(this.seed, trial.number, name);
    return distribution.toExternalRepr(pool[rng.integer(0, pool.length - 1)]!);
  }

  async afterTrial(study: Study, trial: FrozenTrial, state: TrialState): Promise<void> {
    const trials = (await study.trials()).map((t) =>
      t.trialId === trial.trialId ? t.with({ state }) : t,
    );
    if (buildTree(trials).exhausted()) study.stop();
  }
}
