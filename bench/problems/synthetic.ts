/**
 * Synthetic minimization problems for sampler benchmarks, as defined in
 * bench/problems/functions.json (the definitions on which Optuna's reference figures were
 * measured): Branin (2-D), Hartmann6, Rosenbrock 4-D on [-5, 10]^4 and Ackley 5-D on
 * [-32.768, 32.768]^5. Regret = best value found − `optimumValue`.
 */

/** One float parameter of a problem's search space. */
export interface ProblemParameter {
  readonly name: string;
  readonly low: number;
  readonly high: number;
}

/** A benchmark problem: a search space, a function to minimize and its known minimum. */
export interface SyntheticProblem {
  readonly name: string;
  readonly dim: number;
  readonly space: readonly ProblemParameter[];
  /** Trials a run gets by default. */
  readonly budget: number;
  readonly optimumValue: number;
  /** The value at a point, given in the order of `space`. */
  evaluate(x: readonly number[]): number;
}

function box(dim: number, low: number, high: number): ProblemParameter[] {
  return Array.from({ length: dim }, (_, i) => ({ name: `x${i}`, low, high }));
}

const BRANIN_B = 5.1 / (4 * Math.PI * Math.PI);
const BRANIN_C = 5 / Math.PI;
const BRANIN_T = 1 / (8 * Math.PI);

/** Branin–Hoo: three global minima of 0.397887 on [-5, 10] × [0, 15]. */
export const branin: SyntheticProblem = {
  name: "branin",
  dim: 2,
  space: [
    { name: "x0", low: -5, high: 10 },
    { name: "x1", low: 0, high: 15 },
  ],
  budget: 50,
  optimumValue: 0.39788735772973816,
  evaluate([x0, x1]) {
    const inner = x1! - BRANIN_B * x0! ** 2 + BRANIN_C * x0! - 6;
    return inner ** 2 + 10 * (1 - BRANIN_T) * Math.cos(x0!) + 10;
  },
};

const HARTMANN_ALPHA = [1.0, 1.2, 3.0, 3.2];
const HARTMANN_A = [
  [10, 3, 17, 3.5, 1.7, 8],
  [0.05, 10, 17, 0.1, 8, 14],
  [3, 3.5, 1.7, 10, 17, 8],
  [17, 8, 0.05, 10, 0.1, 14],
];
const HARTMANN_P = [
  [0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886],
  [0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991],
  [0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.665],
  [0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381],
];

/** Hartmann 6-D on [0, 1]^6: minimum −3.32237. */
export const hartmann6: SyntheticProblem = {
  name: "hartmann6",
  dim: 6,
  space: box(6, 0, 1),
  budget: 100,
  optimumValue: -3.322368011415515,
  evaluate(x) {
    let total = 0;
    for (let i = 0; i < 4; i++) {
      let inner = 0;
      for (let j = 0; j < 6; j++) inner += HARTMANN_A[i]![j]! * (x[j]! - HARTMANN_P[i]![j]!) ** 2;
      total += HARTMANN_ALPHA[i]! * Math.exp(-inner);
    }
    return -total;
  },
};

/** Rosenbrock 4-D on [-5, 10]^4: minimum 0 at (1, 1, 1, 1). */
export const rosenbrock4: SyntheticProblem = {
  name: "rosenbrock4",
  dim: 4,
  space: box(4, -5, 10),
  budget: 100,
  optimumValue: 0,
  evaluate(x) {
    let total = 0;
    for (let i = 0; i < x.length - 1; i++) {
      total += 100 * (x[i + 1]! - x[i]! ** 2) ** 2 + (1 - x[i]!) ** 2;
    }
    return total;
  },
};

/** Ackley 5-D on [-32.768, 32.768]^5: minimum 0 at the origin (4.4e-16 in floating point). */
export const ackley5: SyntheticProblem = {
  name: "ackley5",
  dim: 5,
  space: box(5, -32.768, 32.768),
  budget: 100,
  optimumValue: 0,
  evaluate(x) {
    const d = x.length;
    let squares = 0;
    let cosines = 0;
    for (const v of x) {
      squares += v * v;
      cosines += Math.cos(2 * Math.PI * v);
    }
    return -20 * Math.exp(-0.2 * Math.sqrt(squares / d)) - Math.exp(cosines / d) + 20 + Math.E;
  },
};

/** Every problem, in the order of the benchmark tables. */
export const syntheticProblems: readonly SyntheticProblem[] = [
  branin,
  hartmann6,
  rosenbrock4,
  ackley5,
];
