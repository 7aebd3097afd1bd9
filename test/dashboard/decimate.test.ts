/** The dashboard's cut-down optimization history (src/dashboard-ui/decimate.ts). */
import { describe, expect, it } from "vitest";
import { decimateHistory, unitHash } from "../../src/dashboard-ui/decimate.js";
import type { PlotlyFigure } from "../../src/visualization/types.js";

/** A minimizing history of `n` trials with pseudo-random values, as the library draws it. */
function history(n: number, type = "scattergl"): PlotlyFigure {
  const x = Array.from({ length: n }, (_, i) => i);
  const y = x.map((i) => Math.sin(i * 12.9898) * 43758.5453 - Math.floor(Math.sin(i) * 1000));
  let best = Number.POSITIVE_INFINITY;
  const bestY = y.map((v) => {
    best = Math.min(best, v);
    return best;
  });
  return {
    data: [
      { type, x, y, mode: "markers", name: "Objective Value" },
      { type, x, y: bestY, mode: "lines", name: "Best Value" },
    ],
    layout: { title: "history" },
  };
}

function arrays(figure: PlotlyFigure, k: number): [number[], number[]] {
  const trace = figure.data[k]!;
  return [trace["x"] as number[], trace["y"] as number[]];
}

describe("decimateHistory", () => {
  it("keeps about maxPoints markers, every new best, and draws SVG", () => {
    const source = history(10_000);
    const { figure, caption } = decimateHistory(source, 2000);
    const [x, y] = arrays(figure, 0);
    expect(x.length).toBeGreaterThan(1600);
    expect(x.length).toBeLessThan(2400);
    expect(figure.data.every((t) => t.type === "scatter")).toBe(true);
    // Every point that lowered the best value is still drawn, with its own value.
    const [sx, sy] = arrays(source, 0);
    let best = Number.POSITIVE_INFINITY;
    const drawn = new Map(x.map((n, i) => [n, y[i]]));
    for (let i = 0; i < sx.length; i++) {
      if (sy[i]! < best) {
        best = sy[i]!;
        expect(drawn.get(sx[i]!)).toBe(sy[i]);
      }
    }
    expect(caption).toBe(
      `${x.length.toLocaleString("en-US")} of 10,000 trials drawn: every new best value and a fixed sample of the others.`,
    );
  });

  it("draws the same best-value line from the ends of its flat runs", () => {
    const source = history(10_000);
    const [lx, ly] = arrays(decimateHistory(source, 2000).figure, 1);
    const sy = arrays(source, 1)[1];
    expect(lx.length).toBeLessThan(200);
    expect(lx[0]).toBe(0);
    expect(lx.at(-1)).toBe(9999);
    // Every left-out point lies inside a flat run, at the value of the run's kept start.
    for (let k = 0; k + 1 < lx.length; k++) {
      const inner = sy.slice(lx[k]! + 1, lx[k + 1]!);
      expect(inner.every((v) => v === ly[k])).toBe(true);
    }
  });

  it("leaves a small history's points alone, without a caption", () => {
    const source = history(500, "scatter");
    const { figure, caption } = decimateHistory(source, 2000);
    expect(arrays(figure, 0)[0]).toHaveLength(500);
    expect(caption).toBeNull();
  });

  it("keeps or drops a trial the same way at every redraw", () => {
    const a = arrays(decimateHistory(history(10_000), 2000).figure, 0)[0];
    const b = arrays(decimateHistory(history(10_000), 2000).figure, 0)[0];
    expect(a).toEqual(b);
    const values = Array.from({ length: 10_000 }, (_, i) => unitHash(i));
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.02);
  });
});
