import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type CategoricalChoice,
  CategoricalDistribution,
  checkDistributionCompatibility,
  type Distribution,
  distributionsEqual,
  distributionToJson,
  FloatDistribution,
  IntDistribution,
  jsonToDistribution,
} from "../src/distributions/index.js";
import {
  IncompatibleDistributionError,
  InvalidArgumentError,
  InvalidDistributionError,
} from "../src/errors/index.js";
import { getVerbosity, setLogSink, setVerbosity, Verbosity } from "../src/logging/index.js";

let lines: string[] = [];
let previousVerbosity: Verbosity;

beforeEach(() => {
  lines = [];
  previousVerbosity = getVerbosity();
  setVerbosity(Verbosity.WARNING);
  setLogSink((line) => lines.push(line));
});

afterEach(() => {
  setLogSink(undefined);
  setVerbosity(previousVerbosity);
});

/** Expects `make` to throw an InvalidDistributionError whose message matches `message`. */
function expectInvalid(make: () => unknown, message: RegExp): void {
  let caught: unknown;
  try {
    make();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(InvalidDistributionError);
  expect((caught as Error).message).toMatch(message);
}

describe("FloatDistribution validation", () => {
  it("rejects low > high and says how to fix it", () => {
    expectInvalid(() => new FloatDistribution(1, 0), /low must be less than or equal to high/);
    expectInvalid(() => new FloatDistribution(1, 0), /swap/);
    expectInvalid(() => new FloatDistribution(0.5, 0.4, { step: 0.1 }), /less than or equal/);
  });

  it("rejects log with low <= 0", () => {
    expectInvalid(() => new FloatDistribution(0, 1, { log: true }), /greater than 0.*log=false/);
    expectInvalid(() => new FloatDistribution(-1, 1, { log: true }), /greater than 0/);
  });

  it("rejects log together with step", () => {
    expectInvalid(
      () => new FloatDistribution(0.1, 1, { log: true, step: 0.1 }),
      /step cannot be used together with log.*remove one/,
    );
  });

  it("rejects a non-positive or non-finite step", () => {
    expectInvalid(() => new FloatDistribution(0, 1, { step: 0 }), /step must be a positive/);
    expectInvalid(() => new FloatDistribution(0, 1, { step: -0.1 }), /step must be a positive/);
    expectInvalid(() => new FloatDistribution(0, 1, { step: Number.NaN }), /step/);
    expectInvalid(
      () => new FloatDistribution(0, 1, { step: Number.POSITIVE_INFINITY }),
      /step must be a positive/,
    );
  });

  it("rejects non-finite bounds", () => {
    expectInvalid(() => new FloatDistribution(Number.NaN, 1), /finite/);
    expectInvalid(() => new FloatDistribution(0, Number.POSITIVE_INFINITY), /finite/);
    expectInvalid(() => new FloatDistribution(Number.NEGATIVE_INFINITY, 0), /finite/);
  });

  it("accepts the boundary cases", () => {
    expect(new FloatDistribution(1, 1).high).toBe(1);
    expect(new FloatDistribution(Number.MIN_VALUE, 1, { log: true }).low).toBe(Number.MIN_VALUE);
    expect(new FloatDistribution(-5, 5, { step: null }).step).toBeNull();
  });

  it("is frozen", () => {
    const d = new FloatDistribution(0, 1);
    expect(Object.isFrozen(d)).toBe(true);
  });
});

describe("IntDistribution validation", () => {
  it("rejects low > high", () => {
    expectInvalid(() => new IntDistribution(5, 4), /low must be less than or equal to high/);
  });

  it("rejects log with low < 1", () => {
    expectInvalid(() => new IntDistribution(0, 10, { log: true }), /at least 1.*log=false/);
    expectInvalid(() => new IntDistribution(-3, 10, { log: true }), /at least 1/);
    expect(new IntDistribution(1, 10, { log: true }).low).toBe(1);
  });

  it("rejects log together with a step other than 1", () => {
    expectInvalid(() => new IntDistribution(1, 10, { log: true, step: 2 }), /step must be 1/);
    expect(new IntDistribution(1, 10, { log: true, step: 1 }).step).toBe(1);
  });

  it("rejects a non-positive or fractional step", () => {
    expectInvalid(() => new IntDistribution(0, 10, { step: 0 }), /step must be a positive integer/);
    expectInvalid(
      () => new IntDistribution(0, 10, { step: -2 }),
      /step must be a positive integer/,
    );
    expectInvalid(
      () => new IntDistribution(0, 10, { step: 1.5 }),
      /step must be a positive integer/,
    );
  });

  it("rejects non-integer and non-finite bounds", () => {
    expectInvalid(() => new IntDistribution(0.5, 10), /integers/);
    expectInvalid(() => new IntDistribution(0, 10.25), /integers/);
    expectInvalid(() => new IntDistribution(0, Number.POSITIVE_INFINITY), /integers/);
    expectInvalid(() => new IntDistribution(Number.NaN, 1), /integers/);
  });
});

describe("CategoricalDistribution validation", () => {
  it("rejects empty choices", () => {
    expectInvalid(() => new CategoricalDistribution([]), /one or more/);
  });

  it("accepts duplicates and non-finite numbers as Optuna does; a value maps to its first equal choice", () => {
    const dup = new CategoricalDistribution(["a", "b", "a"]);
    expect(dup.choices).toEqual(["a", "b", "a"]);
    expect(dup.toInternalRepr("a")).toBe(0);
    expect(dup.toExternalRepr(2)).toBe("a");
    expect(new CategoricalDistribution([null, null]).toInternalRepr(null)).toBe(0);
    const odd = new CategoricalDistribution([1, Number.NaN, Number.POSITIVE_INFINITY, Number.NaN]);
    expect(odd.toInternalRepr(Number.NaN)).toBe(1);
    expect(odd.toInternalRepr(Number.POSITIVE_INFINITY)).toBe(2);
    expect(distributionToJson(odd)).toBe(
      '{"name": "CategoricalDistribution", "attributes": {"choices": [1, NaN, Infinity, NaN]}}',
    );
    const back = jsonToDistribution(distributionToJson(odd));
    expect(back.kind === "categorical" && back.choices).toEqual(odd.choices);
    expect(distributionsEqual(odd, back)).toBe(true);
    expect(
      distributionsEqual(odd, new CategoricalDistribution([1, Number.NaN, 2, Number.NaN])),
    ).toBe(false);
  });

  it("rejects non-JSON values", () => {
    expectInvalid(
      () => new CategoricalDistribution([{} as unknown as CategoricalChoice]),
      /strings, numbers, booleans or null/,
    );
    expectInvalid(
      () => new CategoricalDistribution([undefined as unknown as CategoricalChoice]),
      /choices must be/,
    );
  });

  it("keeps distinct values of different types apart", () => {
    const d = new CategoricalDistribution(["1", 1, true, null]);
    expect(d.choices).toEqual(["1", 1, true, null]);
    expect(d.toInternalRepr(true)).toBe(2);
    expect(d.toInternalRepr("1")).toBe(0);
  });

  it("copies and freezes the choices", () => {
    const choices = ["a", "b"];
    const d = new CategoricalDistribution(choices);
    choices.push("c");
    expect(d.choices).toEqual(["a", "b"]);
    expect(Object.isFrozen(d.choices)).toBe(true);
  });
});

describe("step that does not divide the range (Optuna's adjustment)", () => {
  // Expected highs from Optuna 3.1 (FloatDistribution(...).high / IntDistribution(...).high).
  it.each([
    [0, 1, 0.3, 0.9],
    [0.1, 1.05, 0.2, 0.9],
    [-1, 1, 0.3, 0.8],
    [-1, 0, 0.3, -0.1],
    [100, 200.5, 7.7, 200.1],
    [0.001, 0.01, 0.0007, 0.0094],
    [0, 0.05, 0.1, 0],
    [0, 1, 0.7, 0.7],
  ])("float [%s, %s] step %s → high %s, with a warning", (low, high, step, expected) => {
    const d = new FloatDistribution(low, high, { step });
    expect(d.high).toBe(expected);
    expect(d.low).toBe(low);
    expect(d.step).toBe(step);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\[W /);
    expect(lines[0]).toContain("not divisible by `step`");
    expect(lines[0]).toContain(`[${low}, ${expected}]`);
  });

  it.each([
    [0, 1, 0.1],
    [0, 1, 0.25],
    [0.05, 0.95, 0.1],
    [-5.5, 5.5, 1.1],
    [0.1, 0.7, 0.2],
    [1.5, 3.7, 0.55],
    [1e-5, 1e-3, 3e-5],
    [0, 123456789.123, 0.001],
  ])("float [%s, %s] step %s is divisible in decimal: unchanged, no warning", (low, high, step) => {
    const d = new FloatDistribution(low, high, { step });
    expect(d.high).toBe(high);
    expect(lines).toEqual([]);
  });

  it.each([
    [0, 10, 3, 9],
    [-100, -3, 5, -5],
    [-10, -1, 4, -2],
    [1, 2, 5, 1],
  ])("int [%s, %s] step %s → high %s, with a warning", (low, high, step, expected) => {
    const d = new IntDistribution(low, high, { step });
    expect(d.high).toBe(expected);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`[${low}, ${expected}]`);
  });

  it("does not warn for a divisible int range", () => {
    expect(new IntDistribution(0, 10, { step: 2 }).high).toBe(10);
    expect(new IntDistribution(-4, 8, { step: 4 }).high).toBe(8);
    expect(lines).toEqual([]);
  });

  it("warning is silenced below WARNING verbosity", () => {
    setVerbosity(Verbosity.ERROR);
    expect(new FloatDistribution(0, 1, { step: 0.3 }).high).toBe(0.9);
    expect(lines).toEqual([]);
  });
});

describe("single()", () => {
  it.each<[string, Distribution, boolean]>([
    ["float [1, 1]", new FloatDistribution(1, 1), true],
    ["float [0, 1]", new FloatDistribution(0, 1), false],
    ["float log [2, 2]", new FloatDistribution(2, 2, { log: true }), true],
    ["float [0, 0.05] step 0.1", new FloatDistribution(0, 0.05, { step: 0.1 }), true],
    ["float [0.2, 0.3] step 0.1", new FloatDistribution(0.2, 0.3, { step: 0.1 }), false],
    ["float [0, 0.1] step 0.1", new FloatDistribution(0, 0.1, { step: 0.1 }), false],
    ["int [3, 3]", new IntDistribution(3, 3), true],
    ["int [3, 4]", new IntDistribution(3, 4), false],
    ["int [0, 2] step 3", new IntDistribution(0, 2, { step: 3 }), true],
    ["int [0, 3] step 3", new IntDistribution(0, 3, { step: 3 }), false],
    ["int log [1, 1]", new IntDistribution(1, 1, { log: true }), true],
    ["int log [1, 2]", new IntDistribution(1, 2, { log: true }), false],
    ["categorical [x]", new CategoricalDistribution(["x"]), true],
    ["categorical [x, y]", new CategoricalDistribution(["x", "y"]), false],
  ])("%s → %s", (_name, d, expected) => {
    expect(d.single()).toBe(expected);
  });
});

describe("contains()", () => {
  it("float range", () => {
    const d = new FloatDistribution(-1, 1);
    expect(d.contains(-1)).toBe(true);
    expect(d.contains(1)).toBe(true);
    expect(d.contains(0.123)).toBe(true);
    expect(d.contains(1.0000001)).toBe(false);
    expect(d.contains(-1.5)).toBe(false);
    expect(d.contains(Number.NaN)).toBe(false);
  });

  it("float with step (after adjustment)", () => {
    const d = new FloatDistribution(0, 1, { step: 0.3 });
    expect([0, 0.3, 0.6, 0.9].map((v) => d.contains(v))).toEqual([true, true, true, true]);
    expect(d.contains(0.1 + 0.2)).toBe(true); // 0.30000000000000004 is on the grid
    expect(d.contains(0.45)).toBe(false);
    expect(d.contains(1)).toBe(false); // high became 0.9
    const e = new FloatDistribution(0.1, 1.05, { step: 0.2 });
    expect(e.contains(0.1 + 3 * 0.2)).toBe(true);
    expect(e.contains(0.2)).toBe(false);
  });

  it("int with step", () => {
    const d = new IntDistribution(0, 10, { step: 3 });
    expect([0, 3, 6, 9].every((v) => d.contains(v))).toBe(true);
    expect([1, 4, 10, 12, -3, 2.5].some((v) => d.contains(v))).toBe(false);
    const n = new IntDistribution(-5, 5);
    expect(n.contains(-5)).toBe(true);
    expect(n.contains(0.5)).toBe(false);
    expect(n.contains(6)).toBe(false);
  });

  it("categorical indices", () => {
    const d = new CategoricalDistribution(["a", "b", "c"]);
    expect([0, 1, 2].every((i) => d.contains(i))).toBe(true);
    expect(d.contains(3)).toBe(false);
    expect(d.contains(-1)).toBe(false);
  });
});

describe("toInternalRepr / toExternalRepr", () => {
  const finite = fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e300, max: 1e300 });

  it("float values round-trip and stay inside their range", () => {
    fc.assert(
      fc.property(finite, finite, fc.double({ min: 0, max: 1, noNaN: true }), (a, b, u) => {
        const [low, high] = a <= b ? [a, b] : [b, a];
        const d = new FloatDistribution(low, high);
        const v = Math.min(high, Math.max(low, low + u * (high - low)));
        const internal = d.toInternalRepr(v);
        expect(d.toExternalRepr(internal)).toBe(v);
        expect(d.contains(internal)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("log float values round-trip", () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-300, max: 1e300, noNaN: true }), (v) => {
        const d = new FloatDistribution(1e-300, 1e300, { log: true });
        expect(d.toExternalRepr(d.toInternalRepr(v))).toBe(v);
      }),
      { numRuns: 200 },
    );
  });

  it("int values round-trip (step and log too)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1e6, max: 1e6 }),
        fc.integer({ min: 0, max: 1000 }),
        fc.integer({ min: 1, max: 7 }),
        fc.nat(),
        (low, width, step, pick) => {
          const d = new IntDistribution(low, low + width, { step });
          const v = d.low + (pick % (Math.floor((d.high - d.low) / step) + 1)) * step;
          const internal = d.toInternalRepr(v);
          expect(d.contains(internal)).toBe(true);
          expect(d.toExternalRepr(internal)).toBe(v);
          const lg = new IntDistribution(1, 1 + width, { log: true });
          const w = 1 + (pick % (width + 1));
          expect(lg.toExternalRepr(lg.toInternalRepr(w))).toBe(w);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("categorical choices map to their index and back", () => {
    const choice = fc.oneof(
      fc.string(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
    );
    fc.assert(
      fc.property(
        fc.uniqueArray(choice, { minLength: 1, maxLength: 8, comparator: "SameValueZero" }),
        (choices) => {
          const d = new CategoricalDistribution(choices);
          choices.forEach((c, i) => {
            expect(d.toInternalRepr(c)).toBe(i);
            expect(d.contains(i)).toBe(true);
            expect(d.toExternalRepr(i)).toBe(c);
          });
        },
      ),
      { numRuns: 200 },
    );
  });

  it("rejects impossible external values", () => {
    expect(() => new FloatDistribution(0, 1).toInternalRepr(Number.NaN)).toThrow(
      InvalidArgumentError,
    );
    expect(() => new FloatDistribution(0, 1).toInternalRepr("0.5")).toThrow(InvalidArgumentError);
    expect(() => new FloatDistribution(1, 2, { log: true }).toInternalRepr(-1)).toThrow(
      InvalidArgumentError,
    );
    expect(() => new IntDistribution(0, 1).toInternalRepr(Number.NaN)).toThrow(
      InvalidArgumentError,
    );
    expect(() => new CategoricalDistribution(["a"]).toInternalRepr("b")).toThrow(
      InvalidArgumentError,
    );
    expect(() => new CategoricalDistribution(["a"]).toExternalRepr(1)).toThrow(
      InvalidArgumentError,
    );
  });

  it("int external repr truncates like Python's int()", () => {
    const d = new IntDistribution(-10, 10);
    expect(d.toExternalRepr(3.9)).toBe(3);
    expect(d.toExternalRepr(-3.9)).toBe(-3);
  });
});

describe("distributionToJson is byte-identical to Optuna's distribution_to_json", () => {
  // Expected strings printed by Optuna 3.1's `distribution_to_json` for the same arguments.
  const TABLE: [string, () => Distribution, string][] = [
    [
      "float [0, 1]",
      () => new FloatDistribution(0, 1),
      '{"name": "FloatDistribution", "attributes": {"step": null, "low": 0.0, "high": 1.0, "log": false}}',
    ],
    [
      "float log [1e-05, 1e+16]",
      () => new FloatDistribution(1e-5, 1e16, { log: true }),
      '{"name": "FloatDistribution", "attributes": {"step": null, "low": 1e-05, "high": 1e+16, "log": true}}',
    ],
    [
      "float [0.1, 1.0]",
      () => new FloatDistribution(0.1, 1.0),
      '{"name": "FloatDistribution", "attributes": {"step": null, "low": 0.1, "high": 1.0, "log": false}}',
    ],
    [
      "float [0, 1] step 0.3",
      () => new FloatDistribution(0, 1, { step: 0.3 }),
      '{"name": "FloatDistribution", "attributes": {"step": 0.3, "low": 0.0, "high": 0.9, "log": false}}',
    ],
    [
      "float [0, 1] step 0.1",
      () => new FloatDistribution(0, 1, { step: 0.1 }),
      '{"name": "FloatDistribution", "attributes": {"step": 0.1, "low": 0.0, "high": 1.0, "log": false}}',
    ],
    [
      "float negative [-123456789.123, -0.5]",
      () => new FloatDistribution(-123456789.123, -0.5),
      '{"name": "FloatDistribution", "attributes": {"step": null, "low": -123456789.123, "high": -0.5, "log": false}}',
    ],
    [
      "float [-10, 10] step 2.5",
      () => new FloatDistribution(-10, 10, { step: 2.5 }),
      '{"name": "FloatDistribution", "attributes": {"step": 2.5, "low": -10.0, "high": 10.0, "log": false}}',
    ],
    [
      "float log [1e-4, 0.001]",
      () => new FloatDistribution(1e-4, 0.001, { log: true }),
      '{"name": "FloatDistribution", "attributes": {"step": null, "low": 0.0001, "high": 0.001, "log": true}}',
    ],
    [
      "float [0.1, 1.05] step 0.2",
      () => new FloatDistribution(0.1, 1.05, { step: 0.2 }),
      '{"name": "FloatDistribution", "attributes": {"step": 0.2, "low": 0.1, "high": 0.9, "log": false}}',
    ],
    [
      "float [5e-324, max]",
      () => new FloatDistribution(5e-324, 1.7976931348623157e308),
      '{"name": "FloatDistribution", "attributes": {"step": null, "low": 5e-324, "high": 1.7976931348623157e+308, "log": false}}',
    ],
    [
      "float [1.5e-7, 1e15]",
      () => new FloatDistribution(1.5e-7, 1e15),
      '{"name": "FloatDistribution", "attributes": {"step": null, "low": 1.5e-07, "high": 1000000000000000.0, "log": false}}',
    ],
    [
      "float [-0.0, 0.5] step 1",
      () => new FloatDistribution(-0, 0.5, { step: 1 }),
      '{"name": "FloatDistribution", "attributes": {"step": 1.0, "low": -0.0, "high": 0.0, "log": false}}',
    ],
    [
      "float [-1, 0] step 0.3",
      () => new FloatDistribution(-1, 0, { step: 0.3 }),
      '{"name": "FloatDistribution", "attributes": {"step": 0.3, "low": -1.0, "high": -0.1, "log": false}}',
    ],
    [
      "float [-2.5, -0.0]",
      () => new FloatDistribution(-2.5, -0),
      '{"name": "FloatDistribution", "attributes": {"step": null, "low": -2.5, "high": -0.0, "log": false}}',
    ],
    [
      "int [0, 10]",
      () => new IntDistribution(0, 10),
      '{"name": "IntDistribution", "attributes": {"log": false, "step": 1, "low": 0, "high": 10}}',
    ],
    [
      "int [0, 10] step 3",
      () => new IntDistribution(0, 10, { step: 3 }),
      '{"name": "IntDistribution", "attributes": {"log": false, "step": 3, "low": 0, "high": 9}}',
    ],
    [
      "int log [1, 1024]",
      () => new IntDistribution(1, 1024, { log: true }),
      '{"name": "IntDistribution", "attributes": {"log": true, "step": 1, "low": 1, "high": 1024}}',
    ],
    [
      "int [-100, -3] step 5",
      () => new IntDistribution(-100, -3, { step: 5 }),
      '{"name": "IntDistribution", "attributes": {"log": false, "step": 5, "low": -100, "high": -5}}',
    ],
    [
      "categorical strings",
      () => new CategoricalDistribution(["a", "b"]),
      '{"name": "CategoricalDistribution", "attributes": {"choices": ["a", "b"]}}',
    ],
    [
      "categorical unicode, quotes, backslash, emoji, control",
      () =>
        new CategoricalDistribution([
          "héllo",
          "日本",
          'say "hi"',
          "back\\slash",
          "😀",
          "tab\tnl\n",
        ]),
      '{"name": "CategoricalDistribution", "attributes": {"choices": ["h\\u00e9llo", "\\u65e5\\u672c", "say \\"hi\\"", "back\\\\slash", "\\ud83d\\ude00", "tab\\tnl\\n"]}}',
    ],
    [
      "categorical control characters and separators",
      () => new CategoricalDistribution(["\u0000\u001f\u007f", "\u2028", "", " "]),
      '{"name": "CategoricalDistribution", "attributes": {"choices": ["\\u0000\\u001f\\u007f", "\\u2028", "", " "]}}',
    ],
    [
      "categorical numbers",
      () => new CategoricalDistribution([1, 2.5, -3, 1e-5, 0.1]),
      '{"name": "CategoricalDistribution", "attributes": {"choices": [1, 2.5, -3, 1e-05, 0.1]}}',
    ],
    [
      "categorical null and booleans",
      () => new CategoricalDistribution([null, true, false]),
      '{"name": "CategoricalDistribution", "attributes": {"choices": [null, true, false]}}',
    ],
    [
      "categorical mixed",
      () => new CategoricalDistribution(["x", 1, null, false, 0.5]),
      '{"name": "CategoricalDistribution", "attributes": {"choices": ["x", 1, null, false, 0.5]}}',
    ],
  ];

  it.each(TABLE)("%s", (_name, make, expected) => {
    expect(distributionToJson(make())).toBe(expected);
  });

  it.each(TABLE)("%s parses back to an equal distribution", (_name, make, json) => {
    const original = make();
    const parsed = jsonToDistribution(json);
    expect(parsed.kind).toBe(original.kind);
    expect(distributionsEqual(parsed, original)).toBe(true);
    expect(distributionToJson(parsed)).toBe(json);
  });
});

describe("jsonToDistribution", () => {
  // Written by Optuna 3.1's distribution_to_json for its deprecated classes.
  it.each<[string, Distribution]>([
    [
      '{"name": "UniformDistribution", "attributes": {"low": -1.5, "high": 2.0}}',
      new FloatDistribution(-1.5, 2),
    ],
    [
      '{"name": "LogUniformDistribution", "attributes": {"low": 1e-05, "high": 0.1}}',
      new FloatDistribution(1e-5, 0.1, { log: true }),
    ],
    [
      '{"name": "DiscreteUniformDistribution", "attributes": {"low": 0.0, "high": 1.0, "q": 0.25}}',
      new FloatDistribution(0, 1, { step: 0.25 }),
    ],
    [
      '{"name": "DiscreteUniformDistribution", "attributes": {"low": 0.0, "high": 0.9, "q": 0.3}}',
      new FloatDistribution(0, 0.9, { step: 0.3 }),
    ],
    [
      '{"name": "IntUniformDistribution", "attributes": {"step": 2, "low": 0, "high": 10}}',
      new IntDistribution(0, 10, { step: 2 }),
    ],
    [
      '{"name": "IntUniformDistribution", "attributes": {"step": 1, "low": -3, "high": 7}}',
      new IntDistribution(-3, 7),
    ],
    [
      '{"name": "IntLogUniformDistribution", "attributes": {"step": 1, "low": 1, "high": 100}}',
      new IntDistribution(1, 100, { log: true }),
    ],
  ])("parses the legacy %s", (json, expected) => {
    const parsed = jsonToDistribution(json);
    expect(parsed).toBeInstanceOf(expected.constructor);
    expect(distributionsEqual(parsed, expected)).toBe(true);
  });

  it("round-trips random distributions", () => {
    const floatD = fc
      .tuple(
        fc.double({ min: -1e6, max: 1e6, noNaN: true }),
        fc.double({ min: 0, max: 1e6, noNaN: true }),
      )
      .map(([low, width]) => new FloatDistribution(low, low + width));
    // Short decimals: with long ones `low + k * step` does not survive the trip through a
    // double, and Optuna itself re-adjusts `high` on loading (a shared quirk, not tested here).
    const steppedD = fc
      .tuple(
        fc.integer({ min: -1e6, max: 1e6 }),
        fc.integer({ min: 0, max: 1e6 }),
        fc.integer({ min: 1, max: 10000 }),
      )
      .map(
        ([low, width, step]) =>
          new FloatDistribution(low / 1000, (low + width) / 1000, { step: step / 100 }),
      );
    const logD = fc
      .tuple(
        fc.double({ min: 1e-10, max: 1e3, noNaN: true }),
        fc.double({ min: 1, max: 1e6, noNaN: true }),
      )
      .map(([low, f]) => new FloatDistribution(low, low * f, { log: true }));
    const intD = fc
      .tuple(fc.integer({ min: -1e9, max: 1e9 }), fc.nat(1e6), fc.integer({ min: 1, max: 50 }))
      .map(([low, width, step]) => new IntDistribution(low, low + width, { step }));
    const catD = fc
      .uniqueArray(
        fc.oneof(fc.string(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean()),
        {
          minLength: 1,
          maxLength: 6,
          comparator: "SameValueZero",
        },
      )
      .map((choices) => new CategoricalDistribution(choices));
    setVerbosity(Verbosity.ERROR);
    fc.assert(
      fc.property(fc.oneof(floatD, steppedD, logD, intD, catD), (d) => {
        const json = distributionToJson(d);
        const parsed = jsonToDistribution(json);
        expect(distributionsEqual(parsed, d)).toBe(true);
        expect(distributionToJson(parsed)).toBe(json);
      }),
      { numRuns: 300 },
    );
  });

  it("rejects unknown names and malformed JSON", () => {
    expect(() => jsonToDistribution('{"name": "Nope", "attributes": {}}')).toThrow(
      InvalidArgumentError,
    );
    expect(() => jsonToDistribution("[1, 2]")).toThrow(InvalidArgumentError);
    expect(() => jsonToDistribution('{"name": "FloatDistribution"}')).toThrow(InvalidArgumentError);
    expect(() =>
      jsonToDistribution('{"name": "FloatDistribution", "attributes": {"low": "0", "high": 1}}'),
    ).toThrow(InvalidArgumentError);
  });
});

describe("checkDistributionCompatibility", () => {
  const incompatible: [string, Distribution, Distribution][] = [
    ["float → int", new FloatDistribution(0, 1), new IntDistribution(0, 1)],
    ["int → categorical", new IntDistribution(0, 1), new CategoricalDistribution([0, 1])],
    ["categorical → float", new CategoricalDistribution([0, 1]), new FloatDistribution(0, 1)],
    [
      "float log → linear",
      new FloatDistribution(1, 10, { log: true }),
      new FloatDistribution(1, 10),
    ],
    ["int linear → log", new IntDistribution(1, 10), new IntDistribution(1, 10, { log: true })],
    [
      "categorical other choices",
      new CategoricalDistribution(["a", "b"]),
      new CategoricalDistribution(["a", "c"]),
    ],
    [
      "categorical more choices",
      new CategoricalDistribution(["a", "b"]),
      new CategoricalDistribution(["a", "b", "c"]),
    ],
    [
      "categorical reordered",
      new CategoricalDistribution(["a", "b"]),
      new CategoricalDistribution(["b", "a"]),
    ],
    [
      "categorical 1 vs '1'",
      new CategoricalDistribution([1, 2]),
      new CategoricalDistribution(["1", 2]),
    ],
  ];

  it.each(incompatible)("throws for %s", (_name, previous, next) => {
    expect(() => checkDistributionCompatibility("x", previous, next)).toThrow(
      IncompatibleDistributionError,
    );
    expect(() => checkDistributionCompatibility("x", previous, next)).toThrow(/"x"/);
  });

  const compatible: [string, Distribution, Distribution][] = [
    ["float range change", new FloatDistribution(0, 1), new FloatDistribution(-5, 5)],
    [
      "float step change",
      new FloatDistribution(0, 1, { step: 0.1 }),
      new FloatDistribution(0, 1, { step: 0.5 }),
    ],
    ["float step added", new FloatDistribution(0, 1), new FloatDistribution(0, 1, { step: 0.5 })],
    [
      "float log range change",
      new FloatDistribution(1, 10, { log: true }),
      new FloatDistribution(0.5, 100, { log: true }),
    ],
    ["int range change", new IntDistribution(0, 10), new IntDistribution(3, 4)],
    ["int step change", new IntDistribution(0, 10), new IntDistribution(0, 10, { step: 2 })],
    [
      "categorical same choices, new object",
      new CategoricalDistribution(["a", 1, null]),
      new CategoricalDistribution(["a", 1, null]),
    ],
  ];

  it.each(compatible)("accepts %s", (_name, previous, next) => {
    expect(() => checkDistributionCompatibility("x", previous, next)).not.toThrow();
  });
});
