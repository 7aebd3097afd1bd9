import { describe, expect, it } from "vitest";
import {
  FloatDistribution,
  FrozenTrial,
  InvalidArgumentError,
  type StudySnapshot,
} from "../../src/index.js";
import { hypervolume, toRows } from "../../src/math/hypervolume.js";
import { dominates } from "../../src/study/best.js";
import { makeSnapshot } from "../../src/study/snapshot.js";
import type { PlotlyFigure, PlotlyJson, PlotlyTrace } from "../../src/visualization/index.js";
import * as viz from "../../src/visualization/index.js";
import { fixtureStudy } from "./fixtures.js";
import { plotlyPythonAvailable, plotlySchemaErrors } from "./validate.js";

const single = fixtureStudy({ trials: 240 });
const other = fixtureStudy({ trials: 160, seed: 7, studyName: "second" });
const multi = fixtureStudy({ trials: 240, directions: ["minimize", "maximize"] });
const multi3 = fixtureStudy({ trials: 240, directions: ["minimize", "maximize", "minimize"] });
const maximized = fixtureStudy({ trials: 120, directions: ["maximize"], seed: 5 });

type Obj = Record<string, PlotlyJson | undefined>;
const num = (xs: PlotlyJson | undefined): number[] => xs as number[];
const obj = (x: PlotlyJson | undefined): Obj => x as Obj;
const complete = (s: StudySnapshot) => s.trials.filter((t) => t.state === "COMPLETE");
const feasible = (s: StudySnapshot) =>
  complete(s).filter(
    (t) => !(t.systemAttrs["constraints"] as number[] | undefined)?.some((c) => c > 0),
  );
const named = (figure: PlotlyFigure, name: string): PlotlyTrace[] =>
  figure.data.filter((t) => t["name"] === name);

/** Every figure, for single- and multi-objective studies with all trial states. */
function allFigures(): Record<string, PlotlyFigure> {
  const first = {
    target: (t: { values: readonly number[] | null }) => t.values![0]!,
    targetName: "loss",
  };
  return {
    history: viz.optimizationHistoryFigure(single),
    historyStudies: viz.optimizationHistoryFigure([single, other]),
    historyErrorBar: viz.optimizationHistoryFigure([single, other], { errorBar: true }),
    historyMultiTarget: viz.optimizationHistoryFigure(multi, first),
    intermediate: viz.intermediateValuesFigure(single),
    intermediateGrouped: viz.intermediateValuesFigure(single, { perTrialTraces: 10, maxLines: 50 }),
    parallel: viz.parallelCoordinateFigure(single),
    parallelMulti: viz.parallelCoordinateFigure(multi, first),
    contour: viz.contourFigure(single),
    contourPair: viz.contourFigure(single, { params: ["lr", "optimizer"] }),
    contourMulti: viz.contourFigure(multi, { ...first, params: ["batch", "lr"] }),
    slice: viz.sliceFigure(single),
    sliceMulti: viz.sliceFigure(multi, first),
    importances: viz.paramImportancesFigure(single),
    importancesMulti: viz.paramImportancesFigure(multi),
    edf: viz.edfFigure([single, other]),
    pareto2: viz.paretoFrontFigure(multi),
    pareto2Front: viz.paretoFrontFigure(multi, { includeDominatedTrials: false }),
    pareto3: viz.paretoFrontFigure(multi3),
    rank: viz.rankFigure(single),
    rankOne: viz.rankFigure(single, { params: ["lr"] }),
    rankPair: viz.rankFigure(single, { params: ["lr", "optimizer"] }),
    rankMulti: viz.rankFigure(multi, first),
    timeline: viz.timelineFigure(single),
    timelineSegments: viz.timelineFigure(single, { segmentsFrom: 10 }),
    timelineMulti: viz.timelineFigure(multi),
    hypervolume: viz.hypervolumeHistoryFigure(multi, [10, -10]),
    hypervolume3: viz.hypervolumeHistoryFigure(multi3, [10, -10, 10]),
    terminator: viz.terminatorImprovementFigure(single, { maxPoints: 4 }),
  };
}

describe("figures", () => {
  const figures = allFigures();

  it.runIf(plotlyPythonAvailable())("are valid Plotly figures (python3-plotly's schema)", () => {
    const broken: PlotlyFigure = {
      data: [{ type: "scatter", markr: { color: "red" } }],
      layout: {},
    };
    const errors = plotlySchemaErrors({ ...figures, broken });
    // The validator does reject an unknown property...
    expect(errors["broken"]).toMatch(/markr/);
    delete errors["broken"];
    // ...and accepts every figure.
    expect(errors).toEqual({});
  });

  it("draw something for every study", () => {
    for (const [name, figure] of Object.entries(figures)) {
      expect(figure.data.length, name).toBeGreaterThan(0);
      expect(JSON.parse(JSON.stringify(figure)), name).toEqual(figure);
    }
  });

  it("escape study text: no markup of names, choices or attributes reaches Plotly", () => {
    const text = JSON.stringify(figures);
    expect(text).not.toContain("<script");
    expect(text).not.toContain("<b>rms");
    expect(text).not.toContain("<img");
    expect(text).toContain("&lt;b&gt;rms&lt;/b&gt;");
  });

  it("need a target for a multi-objective study, as Optuna", () => {
    expect(() => viz.optimizationHistoryFigure(multi)).toThrow(InvalidArgumentError);
    expect(() => viz.sliceFigure(multi)).toThrow(/target/);
    expect(() => viz.terminatorImprovementFigure(multi)).toThrow(InvalidArgumentError);
    expect(() => viz.hypervolumeHistoryFigure(single, [1])).toThrow(InvalidArgumentError);
    expect(() => viz.hypervolumeHistoryFigure(multi, [1])).toThrow(/referencePoint/);
    expect(() => viz.sliceFigure(single, { params: ["nope"] })).toThrow(/nope/);
  });
});

describe("optimization history", () => {
  it("plots feasible values, a monotone best line and infeasible trials in grey", () => {
    const figure = viz.optimizationHistoryFigure(single);
    const [values] = named(figure, "Objective Value");
    expect(num(values!["x"]).length).toBe(feasible(single).length);
    const best = num(named(figure, "Best Value")[0]!["y"]).filter((v) => v !== null);
    for (let i = 1; i < best.length; i++) expect(best[i]!).toBeLessThanOrEqual(best[i - 1]!);
    expect(Math.min(...best)).toBe(Math.min(...feasible(single).map((t) => t.values![0]!)));
    const infeasible = named(figure, "Infeasible Trial")[0]!;
    expect(num(infeasible["x"]).length).toBe(complete(single).length - feasible(single).length);
    expect(obj(infeasible["marker"])["color"]).toBe("#cccccc");
  });

  it("runs the best line upwards for a maximized study", () => {
    const best = num(named(viz.optimizationHistoryFigure(maximized), "Best Value")[0]!["y"]);
    const finite = best.filter((v) => v !== null);
    for (let i = 1; i < finite.length; i++)
      expect(finite[i]!).toBeGreaterThanOrEqual(finite[i - 1]!);
  });

  it("names each study, and with errorBar draws means with standard deviations", () => {
    const many = viz.optimizationHistoryFigure([single, other]);
    expect(many.data.map((t) => t["name"])).toContain("Best Value of second");
    const bars = viz.optimizationHistoryFigure([single, other], { errorBar: true });
    const errorY = obj(bars.data[0]!["error_y"]);
    expect(errorY["visible"]).toBe(true);
    expect(num(errorY["array"]).length).toBe(num(bars.data[0]!["x"]).length);
    expect(num(errorY["array"]).some((s) => s > 0)).toBe(true);
  });

  it("draws no best line for a custom target (its direction is unknown)", () => {
    const figure = viz.optimizationHistoryFigure(single, {
      target: (t) => t.number,
      targetName: "n",
    });
    expect(named(figure, "Best Value")).toHaveLength(0);
  });
});

describe("parameter axes", () => {
  it("slice: log axis for lr, category axis for the optimizer, momentum only where SGD ran", () => {
    const figure = viz.sliceFigure(single);
    const axes = Object.entries(figure.layout).filter(([k]) => k.startsWith("xaxis"));
    const byTitle = new Map(axes.map(([, a]) => [obj(obj(a)["title"])["text"], obj(a)]));
    expect(byTitle.get("lr")!["type"]).toBe("log");
    expect(byTitle.get("optimizer")!["type"]).toBe("category");
    expect(byTitle.get("layers")!["type"]).toBe("linear");
    const momentum = figure.data.find((t) => t["name"] === "momentum")!;
    const sgd = feasible(single).filter((t) => t.params["optimizer"] === "sgd");
    expect(num(momentum["x"]).length).toBe(sgd.length);
    expect(figure.data.some((t) => t["name"] === "Infeasible Trial")).toBe(true);
  });

  it("contour: log and category axes, best value per cell, grey infeasible markers", () => {
    const figure = viz.contourFigure(single, { params: ["lr", "optimizer"] });
    expect(obj(figure.layout["xaxis"])["type"]).toBe("log");
    expect(obj(figure.layout["yaxis"])["type"]).toBe("category");
    const contour = figure.data.find((t) => t.type === "contour")!;
    const z = contour["z"] as (number | null)[][];
    expect(z.length).toBe((contour["y"] as string[]).length);
    const cells = z.flat().filter((v) => v !== null) as number[];
    expect(Math.min(...cells)).toBe(Math.min(...complete(single).map((t) => t.values![0]!)));
    expect(figure.data.find((t) => t["name"] === "Infeasible Trial")!["marker"]).toMatchObject({
      color: "#cccccc",
    });
    const matrix = viz.contourFigure(single);
    // Five parameters: a 5 × 5 matrix, pairs only off the diagonal.
    expect(matrix.data.filter((t) => t.type === "contour")).toHaveLength(20);
    expect(matrix.layout["xaxis25"]).toBeDefined();
  });

  it("contour: bins a continuous axis beyond gridSize distinct values", () => {
    const figure = viz.contourFigure(single, { params: ["lr", "momentum"], gridSize: 10 });
    const contour = figure.data.find((t) => t.type === "contour")!;
    expect((contour["x"] as number[]).length).toBe(12);
    // Only SGD trials have a momentum: the markers are theirs.
    const markers = figure.data.filter((t) => t.type === "scatter");
    const shown = markers.reduce((n, t) => n + num(t["x"]).length, 0);
    expect(shown).toBe(complete(single).filter((t) => "momentum" in t.params).length);
  });

  it("parallel coordinate: log10 values with power-of-ten ticks, indexed categories, conditional trials skipped", () => {
    const figure = viz.parallelCoordinateFigure(single);
    const trace = figure.data[0]!;
    expect(trace.type).toBe("parcoords");
    const dims = trace["dimensions"] as Obj[];
    expect(dims.map((d) => d["label"])).toEqual([
      "Objective Value",
      "batch",
      "layers",
      "lr",
      "momentum",
      "optimizer",
    ]);
    const lr = dims[3]!;
    expect(Math.max(...num(lr["values"]))).toBeLessThanOrEqual(-1);
    expect(Math.min(...num(lr["values"]))).toBeGreaterThanOrEqual(-5);
    expect(num(lr["tickvals"]).filter(Number.isInteger).length).toBeGreaterThan(1);
    expect(dims[5]!["ticktext"]).toEqual(["adam", "sgd", "&lt;b&gt;rms&lt;/b&gt;"]);
    // With momentum plotted, only the trials that have it (SGD) are lines.
    expect(num(dims[0]!["values"]).length).toBe(
      complete(single).filter((t) => "momentum" in t.params).length,
    );
    // Infeasible lines take the grey stop past the objective's range.
    const line = obj(trace["line"]);
    expect(num(line["color"]).filter((c) => c === line["cmax"]).length).toBeGreaterThan(0);
    const without = viz.parallelCoordinateFigure(single, { params: ["lr", "optimizer"] });
    expect(num(obj(without.data[0]!["line"])["color"]).length).toBe(complete(single).length);
  });

  it("parallel coordinate: caps the lines and keeps the best ones", () => {
    const figure = viz.parallelCoordinateFigure(single, { params: ["lr"], maxLines: 50 });
    const values = num((figure.data[0]!["dimensions"] as Obj[])[0]!["values"]);
    expect(values.length).toBeLessThanOrEqual(55);
    expect(Math.min(...values)).toBe(Math.min(...complete(single).map((t) => t.values![0]!)));
  });

  it("rank: colors are ranks in [0, 1], the smallest value at 0", () => {
    const figure = viz.rankFigure(single, { params: ["lr", "layers"] });
    const trace = named(figure, "Trial")[0]!;
    const colors = num(obj(trace["marker"])["color"]);
    const values = (trace["customdata"] as number[][]).map((c) => c[1]!);
    expect(Math.min(...colors)).toBe(0);
    expect(Math.max(...colors)).toBe(1);
    expect(colors[values.indexOf(Math.min(...values))]).toBe(0);
    // Sorted by name: layers across, lr (log) up.
    expect(obj(figure.layout["yaxis"])["type"]).toBe("log");
  });
});

describe("multi-objective figures", () => {
  it("pareto front: the feasible non-dominated trials are the best ones", () => {
    const figure = viz.paretoFrontFigure(multi);
    const ok = feasible(multi);
    const front = ok.filter(
      (t) => !ok.some((o) => dominates(o.values!, t.values!, multi.directions)),
    );
    const best = named(figure, "Best Trial")[0] ?? figure.data[2]!;
    expect(num(obj(best["marker"])["color"]).sort((a, b) => a - b)).toEqual(
      front.map((t) => t.number),
    );
    expect(obj(figure.data[0]!["marker"])["color"]).toBe("#cccccc");
    expect(num(figure.data[0]!["x"]).length).toBe(complete(multi).length - ok.length);
    const noDominated = viz.paretoFrontFigure(multi, { includeDominatedTrials: false });
    expect(num(noDominated.data[1]!["x"])).toHaveLength(0);
    const three = viz.paretoFrontFigure(multi3);
    expect(three.data.every((t) => t.type === "scatter3d")).toBe(true);
    expect(obj(three.layout["scene"])["zaxis"]).toBeDefined();
    const swapped = viz.paretoFrontFigure(multi, { axisOrder: [1, 0], targetNames: ["a", "b"] });
    expect(obj(obj(swapped.layout["xaxis"])["title"])["text"]).toBe("b");
  });

  it("hypervolume history: never decreases and ends at the front's hypervolume", () => {
    const figure = viz.hypervolumeHistoryFigure(multi, [10, -10]);
    const ys = num(figure.data[0]!["y"]);
    for (let i = 1; i < ys.length; i++) expect(ys[i]!).toBeGreaterThanOrEqual(ys[i - 1]!);
    const points = feasible(multi).map((t) => [t.values![0]!, -t.values![1]!]);
    expect(ys[ys.length - 1]).toBeCloseTo(
      hypervolume(toRows(points), points.length, 2, [10, 10]),
      9,
    );
  });

  it("hypervolume history: each step equals the hypervolume of the points so far (ties, duplicates, points outside the box)", () => {
    const rng = (i: number) => ((i * 2654435761) % 1000) / 100;
    const trials = Array.from(
      { length: 300 },
      (_, i) =>
        new FrozenTrial({
          number: i,
          trialId: i + 1,
          state: "COMPLETE",
          values: [Math.round(rng(i)), Math.round(rng(i + 7))],
          datetimeStart: null,
          datetimeComplete: null,
          params: {},
          distributions: {},
          userAttrs: {},
          systemAttrs: {},
          intermediateValues: new Map(),
        }),
    );
    const study = makeSnapshot("hv", ["minimize", "maximize"], trials);
    const ys = num(viz.hypervolumeHistoryFigure(study, [8, 1]).data[0]!["y"]);
    for (let n = 1; n <= trials.length; n += 13) {
      const points = trials.slice(0, n).map((t) => [t.values![0]!, -t.values![1]!]);
      expect(ys[n - 1]).toBeCloseTo(hypervolume(toRows(points), n, 2, [8, -1]), 9);
    }
  });

  it("importances: one set of bars per objective", () => {
    const figure = viz.paramImportancesFigure(multi);
    expect(figure.data).toHaveLength(2);
    for (const bars of figure.data) {
      const xs = num(bars["x"]);
      expect(xs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
      for (let i = 1; i < xs.length; i++) expect(xs[i]!).toBeGreaterThanOrEqual(xs[i - 1]!);
    }
    // Long parameter names must widen the margin rather than be cut at the plot's edge.
    expect(figure.layout["yaxis"]).toMatchObject({ automargin: true });
  });
});

describe("trial states", () => {
  it("intermediate values: complete, pruned and running trials, not failed ones", () => {
    const figure = viz.intermediateValuesFigure(single, { perTrialTraces: 1000 });
    const drawn = new Set(figure.data.map((t) => t["name"]));
    for (const t of single.trials) {
      const expected =
        ["COMPLETE", "PRUNED", "RUNNING"].includes(t.state) && t.intermediateValues.size > 0;
      expect(drawn.has(`Trial${t.number}`), `trial ${t.number} ${t.state}`).toBe(expected);
    }
    const grouped = viz.intermediateValuesFigure(single, { perTrialTraces: 10, maxLines: 50 });
    const lines = grouped.data.reduce(
      (n, t) => n + num(t["x"]).filter((x) => x === null).length,
      0,
    );
    const running = single.trials.filter((t) => t.state === "RUNNING").length;
    expect(lines).toBeGreaterThanOrEqual(50);
    expect(lines).toBeLessThanOrEqual(50 + running);
    expect(grouped.data.map((t) => String(t["name"]).split(" ")[0])).toEqual(
      expect.arrayContaining(["COMPLETE", "PRUNED", "RUNNING"]),
    );
  });

  it("timeline: a bar per started trial, running ones up to now, waiting ones left out", () => {
    const now = new Date(Date.UTC(2026, 0, 2));
    const figure = viz.timelineFigure(single, { now });
    const count = figure.data.reduce((n, t) => n + num(t["y"]).length, 0);
    expect(count).toBe(single.trials.filter((t) => t.state !== "WAITING").length);
    expect(figure.data.map((t) => t["name"])).toEqual(
      expect.arrayContaining(["COMPLETE", "FAIL", "PRUNED", "RUNNING", "Infeasible"]),
    );
    const running = named(figure, "RUNNING")[0]!;
    const start = Date.parse(`${(running["base"] as string[])[0]}Z`);
    expect(num(running["x"])[0]).toBe(now.getTime() - start);
    expect(obj(figure.layout["xaxis"])["type"]).toBe("date");
  });

  it("edf: cumulative shares rising to 1 per study", () => {
    const figure = viz.edfFigure([single, other]);
    expect(figure.data.map((t) => t["name"])).toEqual([
      "&lt;script&gt;alert('study')&lt;/script&gt;",
      "second",
    ]);
    for (const trace of figure.data) {
      const ys = num(trace["y"]);
      for (let i = 1; i < ys.length; i++) expect(ys[i]!).toBeGreaterThanOrEqual(ys[i - 1]!);
      expect(ys[ys.length - 1]).toBe(1);
    }
  });

  it("terminator improvement: positive bounds, faded before minNTrials", () => {
    const figure = viz.terminatorImprovementFigure(single, { maxPoints: 4, minNTrials: 100 });
    const all = figure.data.flatMap((t) => num(t["y"]));
    expect(all.every((v) => v > 0 && Number.isFinite(v))).toBe(true);
    expect(figure.data[0]!["opacity"]).toBe(0.4);
    expect(num(figure.data[0]!["x"])[0]).toBeLessThan(100);
  });

  it("an empty study gives empty figures", () => {
    const empty = fixtureStudy({ trials: 0 });
    expect(viz.optimizationHistoryFigure(empty).data).toHaveLength(0);
    expect(viz.sliceFigure(empty).data).toHaveLength(0);
    expect(viz.contourFigure(empty).data).toHaveLength(0);
    expect(viz.parallelCoordinateFigure(empty).data).toHaveLength(0);
    expect(viz.paramImportancesFigure(empty).data).toHaveLength(0);
    expect(viz.terminatorImprovementFigure(empty).data).toHaveLength(0);
  });
});

describe("plotX functions", () => {
  it("take a snapshot or a study and give the same figure", async () => {
    const { createStudy } = await import("../../src/index.js");
    const study = await createStudy({ directions: ["minimize"] });
    await study.optimize(
      (trial) => {
        const x = trial.suggestFloat("x", 1e-3, 10, { log: true });
        const c = trial.suggestCategorical("c", ["a", "b"]);
        return Math.log(x) ** 2 + (c === "a" ? 0 : 1);
      },
      { nTrials: 20 },
    );
    const snapshot = await study.snapshot();
    expect(await viz.plotSlice(study)).toEqual(await viz.plotSlice(snapshot));
    expect(await viz.plotOptimizationHistory([study, snapshot])).toEqual(
      viz.optimizationHistoryFigure([snapshot, snapshot]),
    );
  });
});

describe("very large studies", () => {
  it("build figures of 150,000 trials (no argument spread, capped traces)", () => {
    const x = new FloatDistribution(1e-3, 1, { log: true });
    const trials = Array.from(
      { length: 150_000 },
      (_, i) =>
        new FrozenTrial({
          number: i,
          trialId: i + 1,
          state: "COMPLETE",
          values: [Math.sin(i) + 2, Math.cos(i) + 2],
          datetimeStart: new Date(i * 1000),
          datetimeComplete: new Date(i * 1000 + 500),
          params: { x: 10 ** ((-3 * ((i * 7919) % 1000)) / 1000), y: i % 7 },
          distributions: { x, y: new FloatDistribution(0, 6) },
          userAttrs: {},
          systemAttrs: {},
          intermediateValues: new Map([
            [0, 1],
            [1, 0.5],
          ]),
        }),
    );
    const big = makeSnapshot("big", ["minimize", "minimize"], trials);
    const target = { target: (t: FrozenTrial) => t.values![0]! };
    const history = viz.optimizationHistoryFigure([big, big], { ...target, errorBar: true });
    expect(history.data[0]!.type).toBe("scattergl");
    const lines = viz.intermediateValuesFigure(big);
    expect(lines.data.reduce((n, t) => n + num(t["x"]).filter((v) => v === null).length, 0)).toBe(
      2000,
    );
    const parallel = viz.parallelCoordinateFigure(big, target);
    expect(
      num((parallel.data[0]!["dimensions"] as Obj[])[0]!["values"]).length,
    ).toBeLessThanOrEqual(11_000);
    expect(viz.timelineFigure(big).data[0]!.type).toBe("scattergl");
    // A front of tens of thousands of points (values on a circle): kept incrementally.
    expect(num(viz.hypervolumeHistoryFigure(big, [4, 4]).data[0]!["y"]).length).toBe(150_000);
    expect(viz.edfFigure(big, target).data).toHaveLength(1);
  }, 60_000);
});
