/**
 * The Plotly global, loaded by index.html from /vendor/plotly.min.js (served by the dashboard
 * from the plotly.js-dist-min package, never a CDN). Only the calls the app makes are typed.
 */

interface PlotlyApi {
  react(
    element: HTMLElement,
    data: readonly object[],
    layout: object,
    config?: object,
  ): Promise<unknown>;
  purge(element: HTMLElement): void;
  Plots: { resize(element: HTMLElement): void };
}

/** Plotly, or null when /vendor/plotly.min.js did not load. */
export function plotly(): PlotlyApi | null {
  const scope = globalThis as typeof globalThis & { Plotly?: PlotlyApi };
  return scope.Plotly ?? null;
}
