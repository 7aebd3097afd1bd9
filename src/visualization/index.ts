/**
 * `skipjack/visualization`: Optuna's plots as Plotly figures in plain JSON (`{ data, layout }`).
 *
 * Every figure has an async `plotX(study, options)` taking a `Study` or a `StudySnapshot`, and
 * a synchronous `xFigure(snapshot, options)` for code that holds a snapshot already (e.g. a
 * browser page that rebuilt one from JSON). Nothing here imports a Node.js module, so a
 * bundler can ship it to the browser; `writeHtml` lives in `skipjack/visualization/node`.
 */

export type { StudyInput, Target, TargetOptions } from "./common.js";
export {
  type ContourOptions,
  contourFigure,
  plotContour,
} from "./contour.js";
export { type EdfOptions, edfFigure, plotEdf } from "./edf.js";
export { figureHtml, type HtmlPageOptions } from "./html.js";
export {
  hypervolumeHistoryFigure,
  plotHypervolumeHistory,
} from "./hypervolume-history.js";
export {
  type IntermediateValuesOptions,
  intermediateValuesFigure,
  plotIntermediateValues,
} from "./intermediate-values.js";
export {
  type OptimizationHistoryOptions,
  optimizationHistoryFigure,
  plotOptimizationHistory,
} from "./optimization-history.js";
export {
  type ParallelCoordinateOptions,
  parallelCoordinateFigure,
  plotParallelCoordinate,
} from "./parallel-coordinate.js";
export {
  type ParamImportancesOptions,
  paramImportancesFigure,
  plotParamImportances,
} from "./param-importances.js";
export {
  type ParetoFrontOptions,
  paretoFrontFigure,
  plotParetoFront,
} from "./pareto-front.js";
export { plotRank, type RankOptions, rankFigure } from "./rank.js";
export { type ReportOptions, reportHtml } from "./report.js";
export { plotSlice, type SliceOptions, sliceFigure } from "./slice.js";
export {
  plotTerminatorImprovement,
  type TerminatorImprovementOptions,
  terminatorImprovementFigure,
} from "./terminator-improvement.js";
export { plotTimeline, type TimelineOptions, timelineFigure } from "./timeline.js";
export type { PlotlyFigure, PlotlyJson, PlotlyLayout, PlotlyTrace } from "./types.js";
