import { useEffect, useRef, useState } from "react";
import type { PlotlyFigure } from "../../visualization/types.js";
import { plotly, whenPlotly } from "../plotly.js";

const CONFIG = { responsive: true, displaylogo: false };

/**
 * Draws one figure with Plotly.react, which redraws in place when the figure changes;
 * `onDrawn` hears when Plotly has finished.
 */
export function Plot(props: { figure: PlotlyFigure; name: string; onDrawn?: () => void }) {
  const { figure, name, onDrawn } = props;
  const ref = useRef<HTMLDivElement>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    whenPlotly().then(
      (api) => {
        const element = ref.current;
        if (cancelled || element === null) return;
        // The panel sets the width; a figure's own height (a grid of subplots) is kept.
        const layout = { margin: { l: 60, r: 20, t: 40, b: 50 }, ...figure.layout, autosize: true };
        delete (layout as { width?: unknown }).width;
        void api.react(element, figure.data, layout, CONFIG).then(() => {
          element.dataset["drawn"] = "true";
          // Milliseconds since navigation, read by the benchmark (bench/dashboard-ui.ts).
          element.dataset["drawnAt"] = performance.now().toFixed(0);
          onDrawn?.();
        });
      },
      (e: Error) => setError(e.message),
    );
    return () => {
      cancelled = true;
    };
  }, [figure, onDrawn]);
  useEffect(() => {
    const element = ref.current;
    return () => {
      const api = plotly();
      if (element !== null && api !== null) api.purge(element);
    };
  }, []);
  if (error !== null) return <div className="plot plot-missing">{error}</div>;
  const height = figure.layout["height"];
  return (
    <div
      className="plot"
      data-plot={name}
      ref={ref}
      style={typeof height === "number" ? { height } : undefined}
    />
  );
}
