/** The dashboard's SVG drawing of the parallel coordinates (src/dashboard-ui/parcoords-svg.ts). */
import { describe, expect, it } from "vitest";
import { parcoordsAsSvg } from "../../src/dashboard-ui/parcoords-svg.js";
import type { PlotlyFigure, PlotlyJson } from "../../src/visualization/types.js";

const SCALE: [number, string][] = [
  [0, "rgb(247,251,255)"],
  [0.5, "rgb(107,174,214)"],
  [0.9, "rgb(8,48,107)"],
  [0.95, "#cccccc"],
  [1, "#cccccc"],
];

function parcoords(line: Record<string, PlotlyJson>): PlotlyFigure {
  return {
    data: [
      {
        type: "parcoords",
        dimensions: [
          { label: "Objective Value", values: [0, 5, 10, 7], range: [0, 10] },
          { label: "x", values: [1, 2, 3, 2], range: [1, 3] },
          {
            label: "opt",
            values: [0, 1, 0, 1],
            range: [0, 1],
            tickvals: [0, 1],
            ticktext: ["adam", "sgd"],
          },
        ],
        line,
      },
    ],
    layout: { title: { text: "Parallel Coordinate Plot" } },
  };
}

describe("parcoordsAsSvg", () => {
  const figure = parcoordsAsSvg(
    parcoords({
      color: [0, 5, 10, 20],
      cmin: 0,
      cmax: 20,
      colorscale: SCALE as PlotlyJson,
      showscale: true,
    }),
  );
  const lines = figure.data.filter((t) => t["mode"] === "lines");

  it("draws every line through every axis, scaled to its range, as SVG", () => {
    expect(figure.data.every((t) => t.type === "scatter")).toBe(true);
    const ys = lines.flatMap((t) => t["y"] as (number | null)[]);
    expect(ys.filter((y) => y === null)).toHaveLength(4);
    expect(ys.filter((y) => y !== null)).toHaveLength(12);
    // Trial 1 (objective 5, x = 2, "sgd") is the line 0.5, 0.5, 1.
    const all = lines.map((t) => t["y"] as (number | null)[]);
    expect(all.some((y) => y.join().includes([null, 0.5, 0.5, 1, null].join()))).toBe(true);
    expect(figure.layout["title"]).toEqual({ text: "Parallel Coordinate Plot" });
  });

  it("colors each line by the nearest stop of the scale, the grey one only for infeasible", () => {
    const colors = lines.map((t) => (t["line"] as { color: string }).color).sort();
    // Colors 0, 5, 10 and 20 of [0, 20]: positions 0, 0.25 (a tie: the lower stop), 0.5, 1.
    expect(colors).toEqual(["#cccccc", "rgb(107,174,214)", "rgb(247,251,255)"].sort());
    const grey = lines.find((t) => (t["line"] as { color: string }).color === "#cccccc")!;
    expect(grey["y"]).toEqual([0.7, 0.5, 1, null]);
  });

  it("keeps the colorbar and labels the axes and categories", () => {
    const bar = figure.data.find((t) => t["mode"] === "markers")!;
    expect(bar["marker"]).toMatchObject({ showscale: true, cmin: 0, cmax: 20 });
    const texts = (figure.layout["annotations"] as { text: string }[]).map((a) => a.text);
    expect(texts).toEqual(expect.arrayContaining(["Objective Value", "x", "opt", "adam", "sgd"]));
    expect(figure.layout["shapes"]).toHaveLength(3);
  });

  it("leaves any other figure as it is", () => {
    const other: PlotlyFigure = { data: [{ type: "bar", x: [1], y: [2] }], layout: {} };
    expect(parcoordsAsSvg(other)).toBe(other);
  });
});
