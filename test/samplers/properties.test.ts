import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  BruteForceSampler,
  type CategoricalChoice,
  CategoricalDistribution,
  createStudy,
  type Distribution,
  FloatDistribution,
  type FrozenTrial,
  GridSampler,
  type GridSearchSpace,
  IntDistribution,
  NopPruner,
  type ParamValue,
  PartialFixedSampler,
  QMCSampler,
  RandomSampler,
  type Sampler,
  type Study,
  setVerbosity,
  type Trial,
  Verbosity,
} from "../../src/index.js";
import { getVerbosity, setLogSink } from "../../src/logging/index.js";

const logLines: string[] = [];
let previousVerbosity: Verbosity;

beforeAll(() => {
  previousVerbosity = getVerbosity();
  setVerbosity(Verbosity.WARNING);
  setLogSink((line) => logLines.push(line));
});

afterAll(() => {
  setLogSink(undefined);
  setVerbosity(previousVerbosity);
});

// ---------------------------------------------------------------------------------------------
// Random search spaces

type Spec =
  | { kind: "float"; low: number; high: number; log: boolean; step: number | null }
  | { kind: "int"; low: number; high: number; log: boolean; step: number }
  | { kind: "categorical"; choices: CategoricalChoice[] };

const floatSpec: fc.Arbitrary<Spec> = fc.oneof(
  fc
    .tuple(
      fc.double({ min: -1e3, max: 1e3, noNaN: true }),
      fc.double({ min: 0, max: 1e3, noNaN: true }),
    )
    .map(([low, w]) => ({ kind: "float", low, high: low + w, log: false, step: null }) as Spec),
  fc
    .tuple(
      fc.double({ min: 1e-6, max: 1e2, noNaN: true }),
      fc.double({ min: 1, max: 1e6, noNaN: true }),
    )
    .map(([low, f]) => ({ kind: "float", low, high: low * f, log: true, step: null }) as Spec),
  fc
    .tuple(
      fc.integer({ min: -1000, max: 1000 }),
      fc.integer({ min: 0, max: 2000 }),
      fc.integer({ min: 1, max: 500 }),
    )
    .map(
      ([low, w, s]) =>
        ({
          kind: "float",
          low: low / 100,
          high: (low + w) / 100,
          log: false,
          step: s / 100,
        }) as Spec,
    ),
);

const intSpec: fc.Arbitrary<Spec> = fc.oneof(
  fc
    .tuple(
      fc.integer({ min: -100, max: 100 }),
      fc.integer({ min: 0, max: 200 }),
      fc.integer({ min: 1, max: 5 }),
    )
    .map(([low, w, step]) => ({ kind: "int", low, high: low + w, log: false, step }) as Spec),
  fc
    .tuple(fc.integer({ min: 1, max: 100 }), fc.integer({ min: 0, max: 1000 }))
    .map(([low, w]) => ({ kind: "int", low, high: low + w, log: true, step: 1 }) as Spec),
);

const choice: fc.Arbitrary<CategoricalChoice> = fc.oneof(
  fc.string({ maxLength: 4 }),
  fc.integer({ min: -5, max: 5 }),
  fc.boolean(),
  fc.constant(null),
);

const catSpec: fc.Arbitrary<Spec> = fc
  .uniqueArray(choice, { minLength: 1, maxLength: 5, comparator: "SameValueZero" })
  .map((choices) => ({ kind: "categorical", choices }) as Spec);

const spaceArb = fc.array(fc.oneof(floatSpec, intSpec, catSpec), { minLength: 1, maxLength: 4 });

function suggest(trial: Trial, name: string, spec: Spec): ParamValue {
  switch (spec.kind) {
    case "float":
      return trial.suggestFloat(name, spec.low, spec.high, { log: spec.log, step: spec.step });
    case "int":
      return trial.suggestInt(name, spec.low, spec.high, { log: spec.log, step: spec.step });
    case "categorical":
      return trial.suggestCategorical(name, spec.choices);
  }
}

function toDistribution(spec: Spec): Distribution {
  switch (spec.kind) {
    case "float":
      return new FloatDistribution(spec.low, spec.high, { log: spec.log, step: spec.step });
    case "int":
      return new IntDistribution(spec.low, spec.high, { log: spec.log, step: spec.step });
    case "categorical":
      return new CategoricalDistribution(spec.choices);
  }
}

/** An objective that suggests every parameter and remembers what it was given. */
function recordingObjective(specs: Spec[], seen: Map<number, ParamValue[]>) {
  return (trial: Trial): number => {
    seen.set(
      trial.number,
      specs.map((spec, i) => suggest(trial, `p${i}`, spec)),
    );
    return 0;
  };
}

/** Every value is in its distribution, on its step, and the objective got the stored value. */
function checkTrial(trial: FrozenTrial, specs: Spec[], given: ParamValue[] | undefined): void {
  expect(trial.state).toBe("COMPLETE");
  specs.forEach((spec, i) => {
    const name = `p${i}`;
    const value = trial.params[name];
    const distribution = trial.distributions[name]!;
    expect(distribution.kind).toBe(spec.kind);
    expect(distribution.contains(distribution.toInternalRepr(value))).toBe(true);
    const expected = toDistribution(spec);
    expect(expected.contains(expected.toInternalRepr(value))).toBe(true);
    if (spec.kind === "int") expect(Number.isInteger(value)).toBe(true);
    if (spec.kind === "float") expect(typeof value).toBe("number");
    if (spec.kind === "categorical") expect(spec.choices).toContain(value);
    if (spec.kind !== "categorical") {
      expect(value as number).toBeGreaterThanOrEqual(spec.low);
      expect(value as number).toBeLessThanOrEqual(spec.high);
    }
    if (given !== undefined) expect(Object.is(given[i], value)).toBe(true);
  });
}

async function runStudy(
  sampler: Sampler,
  specs: Spec[],
  nTrials: number,
  concurrency = 1,
): Promise<{ study: Study; trials: readonly FrozenTrial[]; seen: Map<number, ParamValue[]> }> {
  const seen = new Map<number, ParamValue[]>();
  const study = await createStudy({ sampler, pruner: new NopPruner() });
  const objective = recordingObjective(specs, seen);
  await study.optimize(
    async (trial) => {
      const value = objective(trial);
      // Interleave concurrent trials.
      if (concurrency > 1) await new Promise((r) => setTimeout(r, (trial.number * 7) % 3));
      return value;
    },
    { nTrials, concurrency, showProgressBar: false },
  );
  return { study, trials: await study.trials(), seen };
}

function paramsByNumber(trials: readonly FrozenTrial[]): Record<number, unknown> {
  return Object.fromEntries(trials.map((t) => [t.number, t.params]));
}

// ---------------------------------------------------------------------------------------------

describe("every sampler suggests values inside their distributions", () => {
  const samplers: [string, (seed: number) => Sampler][] = [
    ["RandomSampler", (seed) => new RandomSampler({ seed })],
    ["QMCSampler sobol", (seed) => new QMCSampler({ seed, qmcType: "sobol" })],
    ["QMCSampler halton", (seed) => new QMCSampler({ seed, qmcType: "halton" })],
    ["QMCSampler sobol unscrambled", (seed) => new QMCSampler({ seed, scramble: false })],
    [
      "QMCSampler halton unscrambled",
      (seed) => new QMCSampler({ seed, qmcType: "halton", scramble: false }),
    ],
  ];

  it.each(samplers)("%s", async (_name, make) => {
    await fc.assert(
      fc.asyncProperty(spaceArb, fc.nat(), async (specs, seed) => {
        const { trials, seen } = await runStudy(make(seed), specs, 8);
        expect(trials).toHaveLength(8);
        for (const t of trials) checkTrial(t, specs, seen.get(t.number));
      }),
      { numRuns: 25 },
    );
  });

  it("PartialFixedSampler over RandomSampler keeps the fixed values and samples the rest", async () => {
    await fc.assert(
      fc.asyncProperty(spaceArb, fc.nat(), fc.nat(), async (specs, seed, pick) => {
        // Fix the first parameter to a value inside its distribution.
        const first = specs[0]!;
        const fixedValue: ParamValue =
          first.kind === "categorical"
            ? first.choices[pick % first.choices.length]!
            : (toDistribution(first) as FloatDistribution | IntDistribution).high;
        const sampler = new PartialFixedSampler({ p0: fixedValue }, new RandomSampler({ seed }));
        const { trials, seen } = await runStudy(sampler, specs, 6);
        for (const t of trials) {
          checkTrial(t, specs, seen.get(t.number));
          expect(Object.is(t.params["p0"], fixedValue)).toBe(true);
        }
      }),
      { numRuns: 25 },
    );
  });
});

describe("RandomSampler reproducibility", () => {
  it("gives the same params per trial number for the same seed, also with concurrency 4", async () => {
    await fc.assert(
      fc.asyncProperty(spaceArb, fc.nat(), async (specs, seed) => {
        const a = await runStudy(new RandomSampler({ seed }), specs, 12);
        const b = await runStudy(new RandomSampler({ seed }), specs, 12);
        const c = await runStudy(new RandomSampler({ seed }), specs, 12, 4);
        expect(paramsByNumber(b.trials)).toEqual(paramsByNumber(a.trials));
        expect(paramsByNumber(c.trials)).toEqual(paramsByNumber(a.trials));
      }),
      { numRuns: 15 },
    );
  });

  it("gives the same params whatever the order of suggestions and conditional branches", async () => {
    const seed = 1234;
    const forward = await createStudy({ sampler: new RandomSampler({ seed }) });
    await forward.optimize(
      (t) => {
        t.suggestFloat("x", 0, 1);
        t.suggestInt("n", 0, 100);
        return 0;
      },
      { nTrials: 10, showProgressBar: false },
    );
    const backward = await createStudy({ sampler: new RandomSampler({ seed }) });
    await backward.optimize(
      (t) => {
        if (t.number % 2 === 0) t.suggestCategorical("extra", ["a", "b"]);
        t.suggestInt("n", 0, 100);
        t.suggestFloat("x", 0, 1);
        return 0;
      },
      { nTrials: 10, showProgressBar: false },
    );
    const f = await forward.trials();
    const b = await backward.trials();
    for (let i = 0; i < 10; i++) {
      expect(b[i]!.params["x"]).toBe(f[i]!.params["x"]);
      expect(b[i]!.params["n"]).toBe(f[i]!.params["n"]);
    }
  });

  it("gives different params for different seeds", async () => {
    const specs: Spec[] = [
      { kind: "float", low: 0, high: 1, log: false, step: null },
      { kind: "int", low: 0, high: 1_000_000, log: false, step: 1 },
    ];
    const a = await runStudy(new RandomSampler({ seed: 1 }), specs, 20);
    const b = await runStudy(new RandomSampler({ seed: 2 }), specs, 20);
    const same = a.trials.filter((t, i) => t.params["p0"] === b.trials[i]!.params["p0"]).length;
    expect(same).toBe(0);
    // Values differ across trials of one study too.
    expect(new Set(a.trials.map((t) => t.params["p0"])).size).toBe(20);
  });

  it("without a seed, two samplers differ", async () => {
    const specs: Spec[] = [{ kind: "float", low: 0, high: 1, log: false, step: null }];
    const a = await runStudy(new RandomSampler(), specs, 5);
    const b = await runStudy(new RandomSampler(), specs, 5);
    expect(paramsByNumber(a.trials)).not.toEqual(paramsByNumber(b.trials));
  });
});

// ---------------------------------------------------------------------------------------------

/** Squared L2-star discrepancy of points in [0, 1]^d (Warnock's formula). */
function l2StarDiscrepancy(points: number[][]): number {
  const n = points.length;
  const d = points[0]!.length;
  let a = 0;
  for (const p of points) a += p.reduce((prod, x) => prod * (1 - x * x), 1);
  let b = 0;
  for (const p of points) {
    for (const q of points) b += p.reduce((prod, x, k) => prod * (1 - Math.max(x, q[k]!)), 1);
  }
  return Math.sqrt(3 ** -d - (2 ** (1 - d) / n) * a + b / (n * n));
}

function emptyBins(values: number[], bins: number): number {
  return bins - new Set(values.map((v) => Math.floor(v * bins))).size;
}

async function unitPoints(sampler: Sampler, n: number, dims = 2): Promise<number[][]> {
  const study = await createStudy({ sampler, pruner: new NopPruner() });
  await study.optimize(
    (t) => {
      let s = 0;
      for (let k = 0; k < dims; k++) s += t.suggestFloat(`x${k}`, 0, 1);
      return s;
    },
    { nTrials: n + 1, showProgressBar: false },
  );
  // Trial 0 fixes the search space (sampled independently), as in Optuna.
  return (await study.trials())
    .filter((t) => t.number >= 1)
    .map((t) => Array.from({ length: dims }, (_, k) => t.params[`x${k}`] as number));
}

describe("QMCSampler sequences", () => {
  it.each(["sobol", "halton"] as const)(
    "%s: same seed same sequence, other seeds other sequences",
    async (qmcType) => {
      const a = await unitPoints(new QMCSampler({ qmcType, seed: 5 }), 16);
      const b = await unitPoints(new QMCSampler({ qmcType, seed: 5 }), 16);
      const c = await unitPoints(new QMCSampler({ qmcType, seed: 6 }), 16);
      expect(b).toEqual(a);
      expect(c).not.toEqual(a);
      const shared = a.filter((p, i) => p[0] === c[i]![0]).length;
      expect(shared).toBeLessThan(4);
    },
  );

  it.each(["sobol", "halton"] as const)(
    "%s unscrambled: the sequence does not depend on the seed",
    async (qmcType) => {
      const a = await unitPoints(new QMCSampler({ qmcType, seed: 1, scramble: false }), 16);
      const b = await unitPoints(new QMCSampler({ qmcType, seed: 2, scramble: false }), 16);
      expect(b).toEqual(a);
    },
  );

  it("sobol: 64 points stratify each coordinate (random ones leave a third of the cells empty)", async () => {
    for (const seed of [1, 2, 3]) {
      const qmc = await unitPoints(new QMCSampler({ seed }), 64);
      const rnd = await unitPoints(new RandomSampler({ seed }), 64);
      for (const k of [0, 1]) {
        // Points 1..64 of a (0, m, 1)-sequence: at most the cell of the skipped point 0 is empty.
        expect(
          emptyBins(
            qmc.map((p) => p[k]!),
            64,
          ),
        ).toBeLessThanOrEqual(1);
        expect(
          emptyBins(
            rnd.map((p) => p[k]!),
            64,
          ),
        ).toBeGreaterThan(10);
      }
    }
  });

  it.each([
    ["sobol", true],
    ["sobol", false],
    ["halton", true],
    ["halton", false],
  ] as const)(
    "%s (scramble %s): lower L2-star discrepancy than random points",
    async (qmcType, scramble) => {
      for (const seed of [11, 12, 13]) {
        const qmc = l2StarDiscrepancy(
          await unitPoints(new QMCSampler({ qmcType, scramble, seed }), 64, 3),
        );
        const rnd = l2StarDiscrepancy(await unitPoints(new RandomSampler({ seed }), 64, 3));
        // E[D^2] of n random points is (2^-d - 3^-d) / n: about 0.033 here.
        expect(qmc).toBeLessThan(rnd);
        expect(qmc).toBeLessThan(0.6 * Math.sqrt((2 ** -3 - 3 ** -3) / 64));
      }
    },
  );

  it("PartialFixedSampler over QMCSampler keeps the fixed value and samples the rest", async () => {
    const sampler = new PartialFixedSampler({ x: 0.5 }, new QMCSampler({ seed: 1 }));
    const study = await createStudy({ sampler, pruner: new NopPruner() });
    await study.optimize((t) => t.suggestFloat("x", 0, 1) + t.suggestFloat("y", 0, 1), {
      nTrials: 6,
      showProgressBar: false,
    });
    const trials = await study.trials();
    expect(trials.map((t) => t.state)).toEqual(Array(6).fill("COMPLETE"));
    expect(trials.every((t) => t.params["x"] === 0.5)).toBe(true);
    expect(new Set(trials.map((t) => t.params["y"])).size).toBe(6);
  });
});

// ---------------------------------------------------------------------------------------------

const gridArb = fc
  .array(
    fc.oneof(
      fc
        .uniqueArray(fc.integer({ min: 0, max: 10 }), { minLength: 1, maxLength: 4 })
        .map((values) => ({ numeric: true, values: values as CategoricalChoice[] })),
      fc
        .uniqueArray(fc.oneof(fc.string({ maxLength: 3 }), fc.boolean(), fc.constant(null)), {
          minLength: 1,
          maxLength: 4,
          comparator: "SameValueZero",
        })
        .map((values) => ({ numeric: false, values: values as CategoricalChoice[] })),
    ),
    { minLength: 1, maxLength: 3 },
  )
  .map((params) => params.map((p, i) => ({ name: `g${i}`, ...p })));

function gridObjective(params: { name: string; numeric: boolean; values: CategoricalChoice[] }[]) {
  return async (trial: Trial): Promise<number> => {
    for (const p of params) {
      if (p.numeric) trial.suggestInt(p.name, 0, 10);
      else trial.suggestCategorical(p.name, p.values);
    }
    await new Promise((r) => setTimeout(r, trial.number % 2));
    return 0;
  };
}

function allCombinations(space: GridSearchSpace): string[] {
  let combos: Record<string, CategoricalChoice>[] = [{}];
  for (const [name, values] of Object.entries(space)) {
    combos = combos.flatMap((c) => values.map((v) => ({ ...c, [name]: v })));
  }
  return combos.map(key).sort();
}

function key(params: Readonly<Record<string, unknown>>): string {
  return JSON.stringify(
    Object.keys(params)
      .sort()
      .map((k) => [k, params[k]]),
  );
}

describe("GridSampler", () => {
  it("visits each grid point exactly once at concurrency 8, then stops", async () => {
    await fc.assert(
      fc.asyncProperty(gridArb, fc.nat(), async (params, seed) => {
        const space: GridSearchSpace = Object.fromEntries(params.map((p) => [p.name, p.values]));
        const sampler = new GridSampler(space, { seed });
        const expected = allCombinations(space);
        expect(sampler.gridSize).toBe(expected.length);
        const study = await createStudy({ sampler, pruner: new NopPruner() });
        await study.optimize(gridObjective(params), {
          nTrials: expected.length + 10,
          concurrency: 8,
          showProgressBar: false,
        });
        const trials = await study.trials();
        expect(trials.every((t) => t.state === "COMPLETE")).toBe(true);
        expect(trials.map((t) => key(t.params)).sort()).toEqual(expected);
        const ids = trials.map((t) => t.systemAttrs["grid_id"]);
        expect(new Set(ids).size).toBe(expected.length);
      }),
      { numRuns: 25 },
    );
  });

  it("stops on its own without nTrials", async () => {
    const space: GridSearchSpace = { a: [1, 2, 3], b: ["x", "y"] };
    const study = await createStudy({ sampler: new GridSampler(space, { seed: 1 }) });
    await study.optimize(
      (t) => {
        t.suggestInt("a", 1, 3);
        t.suggestCategorical("b", ["x", "y"]);
        return 0;
      },
      { concurrency: 3, timeout: 20, showProgressBar: false },
    );
    expect((await study.trials()).map((t) => key(t.params)).sort()).toEqual(allCombinations(space));
  });

  it("covers the whole grid when a full grid point was enqueued first", async () => {
    const space: GridSearchSpace = { a: [1, 2, 3], b: ["x", "y"] };
    const study = await createStudy({ sampler: new GridSampler(space, { seed: 3 }) });
    await study.enqueueTrial({ a: 2, b: "y" });
    await study.optimize(
      (t) => {
        t.suggestInt("a", 1, 3);
        t.suggestCategorical("b", ["x", "y"]);
        return 0;
      },
      { nTrials: 20, concurrency: 4, showProgressBar: false },
    );
    const trials = await study.trials();
    expect(trials.every((t) => t.state === "COMPLETE")).toBe(true);
    expect(trials[0]!.params).toEqual({ a: 2, b: "y" });
    const gridTrials = trials.filter((t) => typeof t.systemAttrs["grid_id"] === "number");
    expect(gridTrials.map((t) => key(t.params)).sort()).toEqual(allCombinations(space));
    expect(new Set(trials.map((t) => key(t.params))).size).toBe(6);
  });

  it("two samplers sharing a study never repeat a point", async () => {
    const space: GridSearchSpace = { a: [0, 1, 2, 3, 4], b: [true, false] };
    const first = await createStudy({ sampler: new GridSampler(space, { seed: 1 }) });
    const objective = (t: Trial): number => {
      t.suggestInt("a", 0, 4);
      t.suggestCategorical("b", [true, false]);
      return 0;
    };
    await first.optimize(objective, { nTrials: 4, showProgressBar: false });
    const second = await createStudy({
      storage: first.storage,
      studyName: first.studyName,
      loadIfExists: true,
      sampler: new GridSampler(space, { seed: 2 }),
    });
    await second.optimize(objective, { nTrials: 50, concurrency: 3, showProgressBar: false });
    const trials = await second.trials();
    expect(trials.map((t) => key(t.params)).sort()).toEqual(allCombinations(space));
  });
});

// ---------------------------------------------------------------------------------------------

type FiniteSpec =
  | { kind: "float"; low: number; n: number; step: number }
  | { kind: "int"; low: number; n: number; step: number }
  | { kind: "categorical"; choices: CategoricalChoice[] };

const finiteSpec: fc.Arbitrary<FiniteSpec> = fc.oneof(
  fc
    .tuple(
      fc.integer({ min: -50, max: 50 }),
      fc.integer({ min: 1, max: 4 }),
      fc.integer({ min: 1, max: 30 }),
    )
    .map(([low, n, step]) => ({ kind: "float", low: low / 10, n, step: step / 10 }) as FiniteSpec),
  fc
    .tuple(
      fc.integer({ min: -20, max: 20 }),
      fc.integer({ min: 1, max: 4 }),
      fc.integer({ min: 1, max: 3 }),
    )
    .map(([low, n, step]) => ({ kind: "int", low, n, step }) as FiniteSpec),
  fc
    .uniqueArray(choice, { minLength: 1, maxLength: 3, comparator: "SameValueZero" })
    .map((choices) => ({ kind: "categorical", choices }) as FiniteSpec),
);

function finiteSize(spec: FiniteSpec): number {
  return spec.kind === "categorical" ? spec.choices.length : spec.n;
}

function suggestFinite(trial: Trial, name: string, spec: FiniteSpec): ParamValue {
  switch (spec.kind) {
    case "float": {
      const high = Math.round((spec.low + (spec.n - 1) * spec.step) * 10) / 10;
      return trial.suggestFloat(name, spec.low, high, { step: spec.step });
    }
    case "int":
      return trial.suggestInt(name, spec.low, spec.low + (spec.n - 1) * spec.step, {
        step: spec.step,
      });
    case "categorical":
      return trial.suggestCategorical(name, spec.choices);
  }
}

function roundedKey(params: Readonly<Record<string, unknown>>): string {
  return key(
    Object.fromEntries(
      Object.entries(params).map(([k, v]) => [
        k,
        typeof v === "number" ? Math.round(v * 1e9) / 1e9 : v,
      ]),
    ),
  );
}

describe("BruteForceSampler", () => {
  it("covers a finite space exactly once, then stops", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(finiteSpec, { minLength: 1, maxLength: 3 }),
        fc.nat(),
        async (specs, seed) => {
          const size = specs.reduce((s, spec) => s * finiteSize(spec), 1);
          const study = await createStudy({
            sampler: new BruteForceSampler({ seed }),
            pruner: new NopPruner(),
          });
          await study.optimize(
            (t) => {
              for (const [i, spec] of specs.entries()) suggestFinite(t, `b${i}`, spec);
              return 0;
            },
            { nTrials: size + 10, showProgressBar: false },
          );
          const trials = await study.trials();
          expect(trials).toHaveLength(size);
          expect(new Set(trials.map((t) => roundedKey(t.params))).size).toBe(size);
          for (const t of trials) {
            for (const [name, value] of Object.entries(t.params)) {
              const d = t.distributions[name]!;
              expect(d.contains(d.toInternalRepr(value))).toBe(true);
            }
          }
        },
      ),
      { numRuns: 25 },
    );
  });

  it("covers a conditional space exactly once, then stops", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(finiteSpec, { maxLength: 2 }), { minLength: 1, maxLength: 3 }),
        fc.nat(),
        async (branches, seed) => {
          // Branch b holds the parameters branches[b]; a branch with none is one leaf.
          const size = branches.reduce(
            (s, specs) => s + specs.reduce((p, spec) => p * finiteSize(spec), 1),
            0,
          );
          const study = await createStudy({
            sampler: new BruteForceSampler({ seed }),
            pruner: new NopPruner(),
          });
          await study.optimize(
            (t) => {
              const b = t.suggestInt("branch", 0, branches.length - 1);
              for (const [i, spec] of branches[b]!.entries()) suggestFinite(t, `b${b}_${i}`, spec);
              return 0;
            },
            { nTrials: size + 10, showProgressBar: false },
          );
          const trials = await study.trials();
          expect(trials).toHaveLength(size);
          expect(new Set(trials.map((t) => roundedKey(t.params))).size).toBe(size);
        },
      ),
      { numRuns: 25 },
    );
  });

  it("covers a hand-made conditional space", async () => {
    const study = await createStudy({ sampler: new BruteForceSampler({ seed: 4 }) });
    await study.optimize(
      (t) => {
        const model = t.suggestCategorical("model", ["linear", "tree", "knn"]);
        if (model === "linear") t.suggestFloat("alpha", 0, 1, { step: 0.5 });
        if (model === "tree") {
          t.suggestInt("depth", 1, 3);
          t.suggestCategorical("criterion", ["gini", "entropy"]);
        }
        return 0;
      },
      { nTrials: 100, showProgressBar: false },
    );
    const keys = (await study.trials()).map((t) => roundedKey(t.params)).sort();
    const expected = [
      { model: "knn" },
      ...[0, 0.5, 1].map((alpha) => ({ model: "linear", alpha })),
      ...[1, 2, 3].flatMap((depth) =>
        ["gini", "entropy"].map((criterion) => ({ model: "tree", depth, criterion })),
      ),
    ]
      .map(roundedKey)
      .sort();
    expect(keys).toEqual(expected);
  });

  it.each<[number, number, number, number[]]>([
    // Values of Optuna 3.1's BruteForceSampler (enumerated in decimal) for the same ranges.
    [0, 0.3, 0.1, [0, 0.1, 0.2, 0.3]],
    [-4.1, -4.0, 0.1, [-4.1, -4.0]],
    [0.1, 1.05, 0.2, [0.1, 0.3, 0.5, 0.7, 0.9]],
  ])(
    "tries the float grid [%s, %s] step %s exactly as Optuna: %j",
    async (low, high, step, values) => {
      const study = await createStudy({ sampler: new BruteForceSampler({ seed: 0 }) });
      await study.optimize((t) => t.suggestFloat("x", low, high, { step }), {
        nTrials: 20,
        showProgressBar: false,
      });
      const xs = (await study.trials()).map((t) => t.params["x"] as number).sort((a, b) => a - b);
      expect(xs).toEqual(values);
    },
  );

  it("refuses a continuous float", async () => {
    const study = await createStudy({ sampler: new BruteForceSampler({ seed: 1 }) });
    await expect(
      study.optimize((t) => t.suggestFloat("x", 0, 1), { nTrials: 1, showProgressBar: false }),
    ).rejects.toThrow(/step/);
  });
});

describe("logs", () => {
  it("were captured, not printed (and stayed at WARNING or above)", () => {
    expect(logLines.every((l) => /^\[[WEC] /.test(l))).toBe(true);
  });
});
