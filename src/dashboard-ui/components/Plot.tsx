import { useEffect, useRef } from "react";
import type { PlotlyFigure } from "../../visualization/types.js";
import { plotly } from "../plotly.js";

const CONFIG = { responsive: true, displaylogo: false };

/** Draws one figure with Plotly.react, which redraws in place when the figure changes. */
export function Plot({ figure, name }: { figure: PlotlyFigure; name: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = ref.current;
    const api = plotly();
    if (element === null || api === null) return;
    // The panel sets the width; a figure's own height (a grid of subplots) is kept.
    const layout = { margin: { l: 60, r: 20, t: 40, b: 50 }, ...figure.layout, autosize: true };
    delete (layout as { width?: unknown }).width;
    void api.react(element, figure.data, layout, CONFIG).then(() => {
      element.dataset["drawn"] = "true";
    });
  }, [figure]);
  useEffect(() => {
    const element = ref.current;
    return () => {
      const api = plotly();
      if (element !== null && api !== null) api.purge(element);
    };
  }, []);
  if (plotly() === null) {
    return <div className="plot plot-missing">Plotly did not load (/vendor/plotly.min.js).</div>;
  }
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
