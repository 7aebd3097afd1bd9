/**
 * Validation of figures against Plotly's schema with Python's plotly (Debian's python3-plotly):
 * `plotly.graph_objects.Figure(dict)` raises on any property the schema does not have or a
 * value it does not accept.
 */
import { spawnSync } from "node:child_process";
import type { PlotlyFigure } from "../../src/visualization/index.js";

const SCRIPT = `
import json, sys
import plotly.graph_objects as go
figures = json.load(sys.stdin)
errors = {}
for name, figure in figures.items():
    try:
        go.Figure(figure)
    except Exception as error:
        errors[name] = str(error)[:2000]
print(json.dumps(errors))
`;

/** Whether /usr/bin/python3 has plotly. */
export function plotlyPythonAvailable(): boolean {
  const probe = spawnSync("/usr/bin/python3", ["-c", "import plotly.graph_objects"], {
    encoding: "utf8",
  });
  return probe.status === 0;
}

/** Each figure that Plotly rejects, with its message (empty when all are valid). */
export function plotlySchemaErrors(figures: Record<string, PlotlyFigure>): Record<string, string> {
  const run = spawnSync("/usr/bin/python3", ["-c", SCRIPT], {
    input: JSON.stringify(figures),
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.status !== 0) throw new Error(`python3 failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as Record<string, string>;
}
