/**
 * Synthetic studies for the figure tests and the benchmark: every trial state, log, int,
 * categorical and conditional parameters, constraints, intermediate values and time stamps.
 * Built from trials directly (no sampler), so they are fast and the same every time.
 */
import {
  CategoricalDistribution,
  createTrial,
  FloatDistribution,
  type FrozenTrial,
  IntDistribution,
  type StudyDirection,
  type StudySnapshot,
  TrialState,
} from "../../src/index.js";
import { Rng } from "../../src/math/rng.js";
import { makeSnapshot } from "../../src/study/snapshot.js";

export interface FixtureOptions {
  trials: number;
  directions?: readonly StudyDirection[];
  seed?: number;
  /** Share of completed trials given constraints (a third of those infeasible). Default 0.2. */
  constrained?: number;
  studyName?: string;
}

const OPTIMIZERS = ["adam", "sgd", "<b>rms</b>"] as const;
const START = Date.UTC(2026, 0, 1);

/** A study of `trials` trials: about 80% COMPLETE, 8% PRUNED, 5% FAIL, the last few RUNNING/WAITING. */
export function fixtureStudy(options: FixtureOptions): StudySnapshot {
  const directions = options.directions ?? ["minimize"];
  const rng = new Rng(options.seed ?? 1);
  const lr = new FloatDistribution(1e-5, 1e-1, { log: true });
  const layers = new IntDistribution(1, 6);
  const batch = new IntDistribution(16, 512, { log: true });
  const optimizer = new CategoricalDistribution([...OPTIMIZERS]);
  const momentum = new FloatDistribution(0, 0.99);
  const trials: FrozenTrial[] = [];
  for (let i = 0; i < options.trials; i++) {
    const params: Record<string, number | string> = {
      lr: 10 ** (-5 + 4 * rng.random()),
      layers: 1 + Math.floor(6 * rng.random()),
      batch: Math.round(2 ** (4 + 5 * rng.random())),
      optimizer: OPTIMIZERS[Math.floor(3 * rng.random())]!,
    };
    const distributions: Record<
      string,
      FloatDistribution | IntDistribution | CategoricalDistribution
    > = { lr, layers, batch, optimizer };
    // A conditional parameter: only SGD has a momentum.
    if (params["optimizer"] === "sgd") {
      params["momentum"] = 0.99 * rng.random();
      distributions["momentum"] = momentum;
    }
    const x = Math.log10(params["lr"] as number) + 3;
    const base = x * x + 0.1 * (params["layers"] as number) + 0.3 * rng.random();
    const values = directions.map((d, k) => {
      const v = k === 0 ? base : (k === 1 ? 4 - x : 2 + Math.sin(x + k)) + 0.2 * rng.random();
      return d === "maximize" ? -v : v;
    });
    const roll = rng.random();
    const last = options.trials - i;
    let state: TrialState = TrialState.COMPLETE;
    if (last <= 2) state = TrialState.WAITING;
    else if (last <= 5) state = TrialState.RUNNING;
    else if (roll < 0.05) state = TrialState.FAIL;
    else if (roll < 0.13) state = TrialState.PRUNED;
    const steps = state === TrialState.PRUNED ? 3 : 8;
    const intermediate = new Map<number, number>();
    if (state !== TrialState.FAIL && state !== TrialState.WAITING) {
      for (let s = 0; s < steps; s++) intermediate.set(s, values[0]! + 2 / (s + 1));
    }
    const systemAttrs: Record<string, number[]> = {};
    if (state === TrialState.COMPLETE && rng.random() < (options.constrained ?? 0.2)) {
      systemAttrs["constraints"] = [rng.random() < 1 / 3 ? 0.5 : -0.5];
    }
    const start = new Date(START + i * 60_000);
    const trial = createTrial({
      state,
      ...(state === TrialState.COMPLETE ? { values } : {}),
      params: state === TrialState.WAITING ? {} : params,
      distributions: state === TrialState.WAITING ? {} : distributions,
      intermediateValues: intermediate,
      systemAttrs,
      userAttrs: { note: "<img src=x onerror=alert(1)>" },
      ...(state === TrialState.WAITING ? {} : { datetimeStart: start }),
      ...(state === TrialState.COMPLETE || state === TrialState.PRUNED || state === TrialState.FAIL
        ? { datetimeComplete: new Date(start.getTime() + 50_000 + 10_000 * rng.random()) }
        : {}),
    });
    trials.push(trial.with({ number: i, trialId: i + 1 }));
  }
  return makeSnapshot(options.studyName ?? "<script>alert('study')</script>", directions, trials);
}
