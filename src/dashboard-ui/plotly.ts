/**
 * The Plotly global, loaded from /vendor/plotly.min.js (served by the dashboard from the
 * plotly.js-dist-min package, never a CDN) by the first page that draws figures: running its
 * 3.5 MB costs about a second of CPU, which the studies and trials pages never pay. Only the
 * calls the app makes are typed.
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

/**
 * Plotly once its script has run (the first call adds the script to the page); rejects when
 * /vendor/plotly.min.js did not load. Pages with figures call it on mount, so that Plotly loads
 * while their data is fetched.
 */
export function whenPlotly(): Promise<PlotlyApi> {
  const ready = current();
  if (ready !== null) return Promise.resolve(ready);
  loading ??= new Promise<PlotlyApi>((resolve, reject) => {
    const script = document.createElement("script");
    script.src = "/vendor/plotly.min.js";
    script.async = true;
    const fail = () => {
      loading = null;
      reject(new Error("Plotly did not load (/vendor/plotly.min.js)."));
    };
    script.addEventListener("load", () => {
      const api = current();
      if (api === null) fail();
      else resolve(api);
    });
    script.addEventListener("error", fail);
    document.head.append(script);
  });
  return loading;
}

/** Plotly if it has loaded already. */
export function plotly(): PlotlyApi | null {
  return current();
}
