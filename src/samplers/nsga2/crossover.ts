/**
 * Crossover operators of real-coded genetic algorithms, on numeric parameters mapped to the unit
 * cube (see `toUnit`): each makes one child from `nParents` parents. Categorical parameters are
 * not crossed here; the sampler swaps them (uniform crossover) whatever operator is chosen.
 *
 * - uniform: each gene from one of two parents (Syswerda 1989).
 * - blxalpha: BLX-α, uniform in the parents' box widened by α of its width on each side
 *   (Eshelman & Schaffer 1993).
 * - sbx: simulated binary crossover, bounded form (Deb & Agrawal 1995; Deb & Goyal 1996).
 * - vsbx: SBX variant spreading children on both sides of each parent (Ono, Tatsuzawa &
 *   Kobayashi, vSBX).
 * - spx: simplex crossover with three parents (Tsutsui, Yamamura & Higuchi 1999).
 * - undx: unimodal normal distribution crossover with three parents (Ono & Kobayashi 1997).
 *
 * blxalpha, vsbx, spx and undx may leave the cube; the sampler then draws new parents.
 */
import type { Distribution, ParamValue } from "../../distributions/index.js";
import { InvalidArgumentError } from "../../errors/index.js";
import type { Rng } from "../../math/rng.js";
import { fromUnit } from "../unit.js";

/** Names of the crossover operators. */
export type CrossoverName = "uniform" | "blxalpha" | "sbx" | "vsbx" | "spx" | "undx";

/** A crossover operator with its settings; each field defaults as described. */
export type CrossoverOptions =
  /** Each gene from the first parent with probability `swappingProb` (default the sampler's). */
  | { name: "uniform"; swappingProb?: number }
  /** Widening α of BLX-α (default 0.5). */
  | { name: "blxalpha"; alpha?: number }
  /** Distribution index η (default 20 for several objectives, 2 for one, as Optuna). */
  | { name: "sbx"; eta?: number }
  /** Distribution index η (default 20 for several objectives, 2 for one, as Optuna). */
  | { name: "vsbx"; eta?: number }
  /** Expansion rate ε (default √(d + 2) for d numeric parameters, as Optuna). */
  | { name: "spx"; epsilon?: number }
  /** Standard deviations of the primary (ξ, default 0.5) and secondary (η, default 0.35/√d) terms. */
  | { name: "undx"; sigmaXi?: number; sigmaEta?: number };

/** A crossover given by name (default settings) or with settings. */
export type CrossoverSpec = CrossoverName | CrossoverOptions;

/** What an operator may need besides the parents. */
export interface CrossoverContext {
  /** Whether the study has several objectives (SBX's default η depends on it). */
  multiObjective: boolean;
}

/** One crossover operator over points of the unit cube. */
export interface Crossover {
  readonly name: CrossoverName;
  readonly nParents: number;
  /** Whether children always stay in the cube when parents do. */
  readonly bounded: boolean;
  /** Writes one child of `parents` (each of length `child.length`) into `child`. */
  cross(
    parents: readonly Float64Array[],
    rng: Rng,
    child: Float64Array,
    ctx: CrossoverContext,
  ): void;
}

function checkPositive(name: string, field: string, value: number | undefined): void {
  if (value !== undefined && !(Number.isFinite(value) && value > 0)) {
    throw new InvalidArgumentError(
      `NSGAIISampler: ${field} of the ${name} crossover must be a positive number, got ${value}.`,
    );
  }
}

/** Uniform crossover; the sampler copies genes as they are rather than through the cube. */
export class UniformCrossover implements Crossover {
  readonly name = "uniform" as const;
  readonly nParents = 2;
  readonly bounded = true;
  constructor(readonly swappingProb: number) {}
  cross(parents: readonly Float64Array[], rng: Rng, child: Float64Array): void {
    const [a, b] = parents as [Float64Array, Float64Array];
    for (let i = 0; i < child.length; i++) {
      child[i] = rng.random() < this.swappingProb ? a[i]! : b[i]!;
    }
  }
}

class BlxAlpha implements Crossover {
  readonly name = "blxalpha" as const;
  readonly nParents = 2;
  readonly bounded = false;
  constructor(private readonly alpha: number) {}
  cross(parents: readonly Float64Array[], rng: Rng, child: Float64Array): void {
    const [a, b] = parents as [Float64Array, Float64Array];
    for (let i = 0; i < child.length; i++) {
      const lo = Math.min(a[i]!, b[i]!);
      const hi = Math.max(a[i]!, b[i]!);
      const widen = this.alpha * (hi - lo);
      child[i] = lo - widen + rng.random() * (hi - lo + 2 * widen);
    }
  }
}

function sbxEta(eta: number | undefined, ctx: CrossoverContext): number {
  return eta ?? (ctx.multiObjective ? 20 : 2);
}

/**
 * Bounded SBX: each gene is, with probability 1/2, a parent's gene; otherwise one of the two SBX
 * children, whose spread factor follows the polynomial density of index η truncated so that the
 * child stays in [0, 1].
 */
class Sbx implements Crossover {
  readonly name = "sbx" as const;
  readonly nParents = 2;
  readonly bounded = true;
  constructor(private readonly eta: number | undefined) {}
  cross(
    parents: readonly Float64Array[],
    rng: Rng,
    child: Float64Array,
    ctx: CrossoverContext,
  ): void {
    const [a, b] = parents as [Float64Array, Float64Array];
    const eta = sbxEta(this.eta, ctx);
    const power = 1 / (eta + 1);
    for (let i = 0; i < child.length; i++) {
      const keep = rng.random() < 0.5;
      const first = rng.random() < 0.5;
      if (keep) {
        child[i] = first ? a[i]! : b[i]!;
        continue;
      }
      const lo = Math.min(a[i]!, b[i]!);
      const hi = Math.max(a[i]!, b[i]!);
      const diff = Math.max(hi - lo, 1e-10);
      const u = rng.random();
      // Room between the parents and the bound on the child's side, in units of the spread.
      const beta = first ? 1 + (2 * lo) / diff : 1 + (2 * (1 - hi)) / diff;
      const alpha = 2 - beta ** -(eta + 1);
      const betaQ = u * alpha <= 1 ? (u * alpha) ** power : (1 / (2 - u * alpha)) ** power;
      const x = first ? 0.5 * (lo + hi - betaQ * diff) : 0.5 * (lo + hi + betaQ * diff);
      child[i] = Math.min(1, Math.max(0, x));
    }
  }
}

class Vsbx implements Crossover {
  readonly name = "vsbx" as const;
  readonly nParents = 2;
  readonly bounded = false;
  constructor(private readonly eta: number | undefined) {}
  cross(
    parents: readonly Float64Array[],
    rng: Rng,
    child: Float64Array,
    ctx: CrossoverContext,
  ): void {
    const [a, b] = parents as [Float64Array, Float64Array];
    const power = 1 / (sbxEta(this.eta, ctx) + 1);
    for (let i = 0; i < child.length; i++) {
      const keep = rng.random() < 0.5;
      const first = rng.random() < 0.5;
      if (keep) {
        child[i] = first ? a[i]! : b[i]!;
        continue;
      }
      const u = rng.random();
      // Which parent the child is drawn around.
      const [p, q] = u > 0.5 ? [b[i]!, a[i]!] : [a[i]!, b[i]!];
      if (first) {
        // Inside: between the parents, near p.
        const beta = (0.5 * u) ** power;
        child[i] = 0.5 * ((1 + beta) * p + (1 - beta) * q);
      } else {
        // Outside: beyond p, away from q.
        const beta = (0.5 * (1 - u)) ** power;
        child[i] = 0.5 * ((3 - beta) * p - (1 - beta) * q);
      }
    }
  }
}

class Spx implements Crossover {
  readonly name = "spx" as const;
  readonly nParents = 3;
  readonly bounded = false;
  constructor(private readonly epsilon: number | undefined) {}
  cross(parents: readonly Float64Array[], rng: Rng, child: Float64Array): void {
    const d = child.length;
    const k = parents.length;
    const epsilon = this.epsilon ?? Math.sqrt(d + 2);
    const centre = new Float64Array(d);
    for (const p of parents) for (let i = 0; i < d; i++) centre[i]! += p[i]! / k;
    // Vertices of the simplex expanded by ε around its centre of mass.
    const vertex = parents.map((p) => {
      const v = new Float64Array(d);
      for (let i = 0; i < d; i++) v[i] = centre[i]! + epsilon * (p[i]! - centre[i]!);
      return v;
    });
    // C_j = r_{j-1} (x_{j-1} − x_j + C_{j−1}), r_j = u^(1/(j+1)); child = x_{k−1} + C_{k−1}.
    const c = new Float64Array(d);
    for (let j = 1; j < k; j++) {
      const r = rng.random() ** (1 / j);
      const prev = vertex[j - 1]!;
      const cur = vertex[j]!;
      for (let i = 0; i < d; i++) c[i] = r * (prev[i]! - cur[i]! + c[i]!);
    }
    const last = vertex[k - 1]!;
    for (let i = 0; i < d; i++) child[i] = last[i]! + c[i]!;
  }
}

class Undx implements Crossover {
  readonly name = "undx" as const;
  readonly nParents = 3;
  readonly bounded = false;
  constructor(
    private readonly sigmaXi: number,
    private readonly sigmaEta: number | undefined,
  ) {}
  cross(parents: readonly Float64Array[], rng: Rng, child: Float64Array): void {
    const [p1, p2, p3] = parents as [Float64Array, Float64Array, Float64Array];
    const d = child.length;
    const sigmaEta = this.sigmaEta ?? 0.35 / Math.sqrt(d);
    // Primary search line p1 → p2: direction e, and the distance D of p3 from it.
    const e = new Float64Array(d);
    let norm = 0;
    for (let i = 0; i < d; i++) {
      e[i] = p2[i]! - p1[i]!;
      norm += e[i]! * e[i]!;
    }
    norm = Math.sqrt(norm);
    const onLine = norm > 1e-12;
    if (onLine) for (let i = 0; i < d; i++) e[i]! /= norm;
    let along = 0;
    for (let i = 0; i < d; i++) along += (p3[i]! - p1[i]!) * e[i]!;
    let distance = 0;
    for (let i = 0; i < d; i++) {
      const v = p3[i]! - p1[i]! - (onLine ? along * e[i]! : 0);
      distance += v * v;
    }
    distance = Math.sqrt(distance);
    // Secondary term: an isotropic normal vector with its component along e removed, which is
    // distributed as Σ η_k e_k over an orthonormal basis of the complement of e.
    const xi = this.sigmaXi * rng.normal();
    const eta = new Float64Array(d);
    let dot = 0;
    for (let i = 0; i < d; i++) {
      eta[i] = sigmaEta * rng.normal();
      dot += eta[i]! * e[i]!;
    }
    for (let i = 0; i < d; i++) {
      const secondary = onLine && d > 1 ? eta[i]! - dot * e[i]! : d > 1 ? eta[i]! : 0;
      child[i] = 0.5 * (p1[i]! + p2[i]!) + xi * (p1[i]! - p2[i]!) + distance * secondary;
    }
  }
}

/** The operator for a spec; `swappingProb` is the uniform crossover's default. */
export function makeCrossover(spec: CrossoverSpec, swappingProb: number): Crossover {
  const options: CrossoverOptions = typeof spec === "string" ? { name: spec } : spec;
  switch (options.name) {
    case "uniform": {
      const p = options.swappingProb ?? swappingProb;
      if (!(p >= 0 && p <= 1)) {
        throw new InvalidArgumentError(`NSGAIISampler: swappingProb must be in [0, 1], got ${p}.`);
      }
      return new UniformCrossover(p);
    }
    case "blxalpha":
      checkPositive("blxalpha", "alpha", options.alpha);
      return new BlxAlpha(options.alpha ?? 0.5);
    case "sbx":
      checkPositive("sbx", "eta", options.eta);
      return new Sbx(options.eta);
    case "vsbx":
      checkPositive("vsbx", "eta", options.eta);
      return new Vsbx(options.eta);
    case "spx":
      checkPositive("spx", "epsilon", options.epsilon);
      return new Spx(options.epsilon);
    case "undx":
      checkPositive("undx", "sigmaXi", options.sigmaXi);
      checkPositive("undx", "sigmaEta", options.sigmaEta);
      return new Undx(options.sigmaXi ?? 0.5, options.sigmaEta);
    default:
      throw new InvalidArgumentError(
        `NSGAIISampler: unknown crossover ${JSON.stringify((options as { name: unknown }).name)}; ` +
          'use "uniform", "blxalpha", "sbx", "vsbx", "spx" or "undx".',
      );
  }
}

/**
 * The position in [0, 1] of a numeric value: the inverse of `fromUnit` (log ranges in log space;
 * integer and stepped ranges widened by half a step on each side).
 */
export function toUnit(distribution: Distribution, value: ParamValue): number {
  if (distribution.kind === "categorical" || typeof value !== "number") {
    throw new InvalidArgumentError("toUnit is for numeric parameters.");
  }
  const { low, high, log } = distribution;
  let a: number;
  let b: number;
  let x = value;
  if (distribution.kind === "float") {
    if (log) {
      a = Math.log(low);
      b = Math.log(high);
      x = Math.log(value);
    } else {
      const half = distribution.step === null ? 0 : distribution.step / 2;
      a = low - half;
      b = high + half;
    }
  } else if (log) {
    a = Math.log(low - 0.5);
    b = Math.log(high + 0.5);
    x = Math.log(value);
  } else {
    a = low - distribution.step / 2;
    b = high + distribution.step / 2;
  }
  if (!(b > a)) return 0.5;
  return Math.min(1, Math.max(0, (x - a) / (b - a)));
}

/** The value at position u of the cube (rounded to the step, clipped to the range). */
export function fromUnitClipped(distribution: Distribution, u: number): ParamValue {
  return fromUnit(distribution, Math.min(1, Math.max(0, u)));
}
