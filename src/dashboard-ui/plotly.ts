/**
 * The Plotly global, loaded by index.html from /vendor/plotly.min.js (served by the dashboard
 * from the plotly.js-dist-min package, never a CDN) with `async`, so the pages render while it
 * is parsed. Only the calls the app makes are typed.
 */

/** The Plotly calls the app makes. */
export interface PlotlyApi {
  react(
    element: HTMLElement,
    data: readonly object[],
    layout: object,
    config?: object,
  ): Promise<unknown>;
  purge(element: HTMLElement): void;
}

function current(): PlotlyApi | null {
  const scope = globalThis as typeof globalThis & { Plotly?: PlotlyApi };
  return scope.Plotly ?? null;
}

let loading: Promise<PlotlyApi> | null = null;

/** Plotly once its script has run; rejects when /vendor/plotly.min.js did not load. */
export function whenPlotly(): Promise<PlotlyApi> {
  const ready = current();
  if (ready !== null) return Promise.resolve(ready);
  loading ??= new Promise<PlotlyApi>((resolve, reject) => {
    const script = document.getElementById("plotly-script");
    const fail = () => reject(new Error("Plotly did not load (/vendor/plotly.min.js)."));
    if (script === null) return fail();
    script.addEventListener("load", () => {
      const api = current();
      if (api === null) fail();
      else resolve(api);
    });
    script.addEventListener("error", fail);
  });
  return loading;
}

/** Plotly if it has loaded already. */
export function plotly(): PlotlyApi | null {
  return current();
}
