import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import {
  CsvParseError,
  classCounts,
  concatDatasets,
  createStudy,
  crossValidate,
  type Dataset,
  FixedTrial,
  InvalidArgumentError,
  kFold,
  loadCsv,
  makeDataset,
  NopPruner,
  type Pruner,
  parseCsv,
  parseCsvMatrix,
  RandomSampler,
  Standardizer,
  splitIndices,
  standardizeSplit,
  stratifiedKFold,
  subset,
  TrialState,
  trainValidationTestSplit,
} from "../../src/index.js";

const digitsPath = new URL("../../data/digits.csv.gz", import.meta.url);

/** Prunes any trial that has reported step 1 or later. */
const pruneAfterStep1: Pruner = {
  prune: (_study, trial) => (trial.lastStep ?? -1) >= 1,
};

function toy(n: number, nClasses: number): Dataset {
  const features = new Float64Array(n * 2);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    features[2 * i] = i;
    features[2 * i + 1] = -i;
    labels[i] = i % nClasses;
  }
  return makeDataset({ features, labels, nFeatures: 2 });
}

function sorted(a: ArrayLike<number>): number[] {
  return Array.from(a).sort((x, y) => x - y);
}

describe("CSV loading", () => {
  it("parses a numeric CSV without header, label last by default", () => {
    const data = parseCsv("1,2,0\n3,4,1\n\n5,6,2\n");
    expect(data.nFeatures).toBe(2);
    expect(data.nClasses).toBe(3);
    expect(Array.from(data.features)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(data.features).toBeInstanceOf(Float32Array);
    expect(data.labels).toBeInstanceOf(Int32Array);
    expect(Array.from(data.labels)).toEqual([0, 1, 2]);
    expect(data.featureNames).toBeUndefined();
  });

  it("detects a header, picks the label column by name, and reads regression targets", () => {
    const text = 'y,"a",b\r\n0.5,1,2\r\n1.5,3,4\r\n';
    const data = parseCsv(text, { labelColumn: "y", task: "regression", dtype: "float64" });
    expect(data.featureNames).toEqual(["a", "b"]);
    expect(data.nClasses).toBe(0);
    expect(data.labels).toBeInstanceOf(Float64Array);
    expect(Array.from(data.labels)).toEqual([0.5, 1.5]);
    expect(data.features).toBeInstanceOf(Float64Array);
    expect(Array.from(data.features)).toEqual([1, 2, 3, 4]);
    // label column by index; header: false makes a non-numeric first line an error
    expect(Array.from(parseCsv("2;9;1\n3;8;0", { labelColumn: 0, delimiter: ";" }).labels)).toEqual(
      [2, 3],
    );
    expect(() => parseCsv("a,b\n1,2", { header: false })).toThrow(/line 1, column 1: "a"/);
  });

  it("names the line and column of ragged rows, empty cells and non-numbers", () => {
    const ragged = (): Dataset => parseCsv("a,b,c\n1,2,0\n3,4\n", { source: "x.csv" });
    expect(ragged).toThrow(CsvParseError);
    expect(ragged).toThrow(/x\.csv line 3: 2 cells where line 1 has 3 \(ragged row\)/);
    try {
      parseCsv("1,2,0\n\n3,oops,1\n");
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(CsvParseError);
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect((error as CsvParseError).line).toBe(3);
      expect((error as CsvParseError).column).toBe(2);
      expect((error as Error).message).toMatch(/line 3, column 2: "oops" is not a finite number/);
    }
    expect(() => parseCsv("1,,0")).toThrow(/line 1, column 2: empty cell/);
    expect(() => parseCsv("1,2,0.5")).toThrow(/class label "0.5" is not an integer >= 0/);
    expect(() => parseCsv("1,2,Infinity")).toThrow(/not a finite number/);
    expect(() => parseCsv("f,label\n")).toThrow(/no data rows/);
    expect(() => parseCsv("1,2\n", { labelColumn: "z" })).toThrow(/no header/);
    expect(() => parseCsv("1,2\n", { labelColumn: 5 })).toThrow(/outside the 2 columns/);
  });

  it("reads gzip bytes and files, and the shipped digits dataset", async () => {
    const gz = gzipSync(Buffer.from("h1,h2,label\n1,2,1\n3,4,0\n"));
    expect(Array.from(parseCsv(gz).labels)).toEqual([1, 0]);
    const dir = mkdtempSync(join(tmpdir(), "skipjack-csv-"));
    writeFileSync(join(dir, "plain.csv"), "1,2,0\n3,4,1\n");
    writeFileSync(join(dir, "packed.bin"), gz);
    expect((await loadCsv(join(dir, "plain.csv"))).nClasses).toBe(2);
    expect((await loadCsv(join(dir, "packed.bin"))).featureNames).toEqual(["h1", "h2"]);
    await expect(loadCsv(join(dir, "missing.csv"))).rejects.toThrow(/ENOENT/);

    const digits = await loadCsv(digitsPath);
    expect(digits.labels.length).toBe(1797);
    expect(digits.nFeatures).toBe(64);
    expect(digits.nClasses).toBe(10);
    expect(Array.from(classCounts(digits)).every((c) => c >= 170)).toBe(true);
  });

  it("parses a plain numeric matrix", () => {
    const m = parseCsvMatrix("x,y\n1,2\n3,4\n");
    expect(m).toMatchObject({ nRows: 2, nColumns: 2, columnNames: ["x", "y"] });
    expect(Array.from(m.values)).toEqual([1, 2, 3, 4]);
  });
});

describe("datasets", () => {
  it("checks sizes and labels", () => {
    expect(() =>
      makeDataset({ features: new Float32Array(5), labels: new Int32Array(2), nFeatures: 2 }),
    ).toThrow(/need 4/);
    expect(() =>
      makeDataset({ features: new Float32Array(2), labels: Int32Array.of(-1), nFeatures: 2 }),
    ).toThrow(/>= 0/);
    expect(() =>
      makeDataset({
        features: new Float32Array(2),
        labels: Int32Array.of(3),
        nFeatures: 2,
        nClasses: 2,
      }),
    ).toThrow(/nClasses = 2/);
  });

  it("takes subsets and concatenates parts", () => {
    const data = toy(6, 3);
    const part = subset(data, [5, 0]);
    expect(Array.from(part.features)).toEqual([5, -5, 0, -0]);
    expect(Array.from(part.labels)).toEqual([2, 0]);
    const both = concatDatasets(part, subset(data, [1]));
    expect(Array.from(both.labels)).toEqual([2, 0, 1]);
    expect(() => subset(data, [6])).toThrow(/outside/);
  });
});

describe("splits", () => {
  it("splits every row into exactly one part, reproducibly from the seed", () => {
    const data = toy(103, 4);
    const a = trainValidationTestSplit(data, { seed: 7 });
    const b = trainValidationTestSplit(data, { seed: 7 });
    const c = trainValidationTestSplit(data, { seed: 8 });
    expect(Array.from(a.indices.test)).toEqual(Array.from(b.indices.test));
    expect(Array.from(a.indices.test)).not.toEqual(Array.from(c.indices.test));
    const all = [...a.indices.train, ...a.indices.validation, ...a.indices.test];
    expect(sorted(all)).toEqual(Array.from({ length: 103 }, (_, i) => i));
    expect(a.test.labels.length).toBe(21); // round(0.2 * 103)
    expect(a.validation.labels.length).toBe(21);
    expect(a.train.labels.length).toBe(61);
    // rows travel with their labels
    a.indices.validation.forEach((row, i) => {
      expect(a.validation.features[2 * i]).toBe(row);
      expect(a.validation.labels[i]).toBe(row % 4);
    });
  });

  it("stratifies classification data: each part keeps the class shares", async () => {
    const digits = await loadCsv(digitsPath);
    const split = trainValidationTestSplit(digits, {
      validationSize: 0.15,
      testSize: 0.25,
      seed: 3,
    });
    const whole = classCounts(digits);
    for (const [part, fraction] of [
      [split.test, 0.25],
      [split.validation, 0.15],
    ] as const) {
      const counts = classCounts(part);
      counts.forEach((count, c) => {
        expect(Math.abs(count - whole[c]! * fraction)).toBeLessThanOrEqual(1);
      });
    }
    expect(split.test.labels.length).toBe(Math.round(0.25 * 1797));
    expect(split.validation.labels.length).toBe(Math.round(0.15 * 1797));
  });

  it("takes row counts, allows an empty test part, and rejects impossible sizes", () => {
    const parts = splitIndices(50, { validationSize: 10, testSize: 0, seed: "s" });
    expect([parts.train.length, parts.validation.length, parts.test.length]).toEqual([40, 10, 0]);
    expect(() => splitIndices(10, { validationSize: 0.5, testSize: 0.5 })).toThrow(
      /no training rows/,
    );
    expect(() => splitIndices(10, { testSize: 2.5 })).toThrow(/integer/);
    expect(() => splitIndices(10, { stratify: true })).toThrow(/class labels/);
  });

  it("k-fold: validation parts cover every row exactly once; train is the rest", () => {
    for (const n of [10, 11, 17]) {
      const folds = kFold(n, 4, { seed: 1 });
      expect(folds).toHaveLength(4);
      const seen = folds.flatMap((f) => Array.from(f.validation));
      expect(sorted(seen)).toEqual(Array.from({ length: n }, (_, i) => i));
      const sizes = folds.map((f) => f.validation.length);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      for (const fold of folds) {
        expect(sorted([...fold.train, ...fold.validation])).toEqual(
          Array.from({ length: n }, (_, i) => i),
        );
      }
    }
    expect(Array.from(kFold(6, 3, { shuffle: false })[1]!.validation)).toEqual([2, 3]);
    expect(Array.from(kFold(20, 5, { seed: 9 })[0]!.validation)).toEqual(
      Array.from(kFold(20, 5, { seed: 9 })[0]!.validation),
    );
    expect(Array.from(kFold(20, 5, { seed: 9 })[0]!.validation)).not.toEqual(
      Array.from(kFold(20, 5, { seed: 10 })[0]!.validation),
    );
    expect(() => kFold(3, 4)).toThrow(/at least 4 rows/);
    expect(() => kFold(10, 1)).toThrow(/>= 2/);
  });

  it("stratified k-fold: covers every row once and balances classes per fold", () => {
    const data = toy(90, 3); // 30 rows per class
    const folds = stratifiedKFold(data, 5, { seed: 2 });
    const seen = folds.flatMap((f) => Array.from(f.validation));
    expect(sorted(seen)).toEqual(Array.from({ length: 90 }, (_, i) => i));
    for (const fold of folds) {
      const counts = classCounts(subset(data, fold.validation));
      expect(Array.from(counts)).toEqual([6, 6, 6]);
      expect(fold.train.length).toBe(72);
    }
    const uneven = stratifiedKFold(Int32Array.from([0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1]), 3);
    const sizes = uneven.map((f) => f.validation.length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
  });
});

describe("Standardizer", () => {
  it("scales training features to zero mean and unit variance", () => {
    const train = makeDataset({
      features: Float32Array.from([1, 10, 3, 10, 5, 10]),
      labels: new Int32Array(3),
      nFeatures: 2,
    });
    const s = new Standardizer().fit(train);
    expect(Array.from(s.mean)).toEqual([3, 10]);
    expect(s.scale[0]).toBeCloseTo(Math.sqrt(8 / 3));
    expect(s.scale[1]).toBe(1); // constant feature
    const t = s.transform(train);
    expect(t.features).toBeInstanceOf(Float32Array);
    expect(train.features[0]).toBe(1); // a copy
    expect(t.features[0]).toBeCloseTo(-2 / Math.sqrt(8 / 3), 5);
    expect(t.features[1]).toBe(0);
    const back = s.inverseTransform(t);
    expect(back.features[2]).toBeCloseTo(3, 5);
    expect(Standardizer.fromJSON(s.toJSON()).mean).toEqual(s.mean);
    expect(() => new Standardizer().transform(train)).toThrow(/call fit/);
  });

  it("does not leak: validation and test rows never change the statistics", () => {
    const digits = parseCsv("1,2,0\n2,4,1\n3,6,0\n4,8,1\n5,10,0\n100,-50,1\n200,-90,0\n", {
      dtype: "float64",
    });
    const parts = { train: subset(digits, [0, 1, 2, 3, 4]), test: subset(digits, [5, 6]) };
    const { standardizer, train, others } = standardizeSplit(parts.train, parts.test);
    // statistics are those of the five training rows only
    expect(Array.from(standardizer.mean)).toEqual([3, 6]);
    // the same training rows with wildly different held-out rows give the same statistics
    const alteredTest = subset(digits, [6, 5]);
    (alteredTest.features as Float64Array).fill(1e6);
    const again = standardizeSplit(parts.train, alteredTest);
    expect(Array.from(again.standardizer.mean)).toEqual(Array.from(standardizer.mean));
    expect(Array.from(again.standardizer.scale)).toEqual(Array.from(standardizer.scale));
    // training rows are centred; held-out rows are not (their mean stays visible)
    expect(train.features[0]! + train.features[2]! + train.features[4]!).toBeCloseTo(
      -(train.features[6]! + train.features[8]!),
    );
    const [test] = others;
    expect(test.features[0]).toBeCloseTo((100 - 3) / Math.sqrt(2));
    // fitting on all rows (the leak) would give other statistics
    expect(new Standardizer().fit(digits).mean[0]).not.toBe(3);
  });
});

describe("crossValidate", () => {
  it("reports each fold, stores cv_scores and returns the mean", async () => {
    const trial = new FixedTrial({});
    const folds = kFold(10, 5);
    const mean = await crossValidate(trial, folds, (fold, i) => fold.validation.length + i);
    expect(mean).toBe(4);
    expect([...trial.intermediateValues.entries()]).toEqual([
      [0, 2],
      [1, 3],
      [2, 4],
      [3, 5],
      [4, 6],
    ]);
    expect(trial.userAttrs["cv_scores"]).toEqual([2, 3, 4, 5, 6]);
    await expect(crossValidate(trial, folds, () => Number.NaN)).rejects.toThrow(/finite/);
  });

  it("prunes between folds: later folds are never trained and the trial ends PRUNED", async () => {
    const study = await createStudy({
      direction: "maximize",
      sampler: new RandomSampler({ seed: 1 }),
      pruner: pruneAfterStep1,
    });
    const folds = kFold(20, 5);
    const trained: number[] = [];
    await study.optimize(
      (trial) =>
        crossValidate(trial, folds, (_fold, i) => {
          trained.push(i);
          return trial.suggestFloat("x", 0, 1) + i;
        }),
      { nTrials: 2, showProgressBar: false },
    );
    expect(trained).toEqual([0, 1, 0, 1]);
    const trials = await study.trials();
    expect(trials.map((t) => t.state)).toEqual([TrialState.PRUNED, TrialState.PRUNED]);
    expect(trials[0]!.userAttrs["cv_scores"]).toHaveLength(2);
    expect([...trials[0]!.intermediateValues.keys()]).toEqual([0, 1]);

    const open = await createStudy({ direction: "maximize", pruner: new NopPruner() });
    await open.optimize((trial) => crossValidate(trial, folds, (_f, i) => i), {
      nTrials: 1,
      showProgressBar: false,
    });
    expect((await open.bestTrial()).value).toBe(2);
  });
});
