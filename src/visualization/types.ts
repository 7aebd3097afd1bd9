/**
 * The figures are plain JSON in Plotly's figure format (`{ data, layout }`), so that one value
 * renders as it is in the browser (`Plotly.newPlot(div, figure.data, figure.layout)`), in a
 * notebook, or in Python (`plotly.io.from_json(JSON.stringify(figure))`).
 */

/** A JSON value as Plotly takes it (null marks a gap in a line). */
export type PlotlyJson =
  | string
  | number
  | boolean
  | null
  | readonly PlotlyJson[]
  | { readonly [key: string]: PlotlyJson | undefined };

/** One trace of a figure: its Plotly `type` and the attributes of that type. */
export interface PlotlyTrace {
  readonly type: string;
  readonly [attribute: string]: PlotlyJson | undefined;
}

/** A figure's layout: titles, axes, subplots, annotations. */
export interface PlotlyLayout {
  readonly [attribute: string]: PlotlyJson | undefined;
}

/** A Plotly figure as JSON. */
export interface PlotlyFigure {
  readonly data: readonly PlotlyTrace[];
  readonly layout: PlotlyLayout;
}
