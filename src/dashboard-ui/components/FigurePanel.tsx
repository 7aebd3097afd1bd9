import { useEffect, useRef, useState } from "react";
import type { StudySnapshot } from "../../study/snapshot.js";
import type { PlotlyFigure } from "../../visualization/types.js";
import { Plot } from "./Plot.js";

/** How a panel builds its figure. */
export interface FigurePanelProps {
  id: string;
  title: string;
  /** Build now, not when scrolled into view. */
  eager: boolean;
  /** Span the page's width. */
  wide?: boolean;
  snapshot: StudySnapshot;
  /** Changes whenever the figure must be rebuilt (trials, filters, options). */
  buildKey: string;
  build: (snapshot: StudySnapshot) => PlotlyFigure;
}

/**
 * A figure built by a library figure function and drawn by Plotly. It builds after the page
 * has painted, only once scrolled near (unless eager), and while trials keep arriving it waits
 * at least four times its last build time between rebuilds, so a 100,000-trial study spends at
 * most a fifth of the time rebuilding figures.
 */
export function FigurePanel(props: FigurePanelProps) {
  const ref = useRef<HTMLDivElement>(null);
  const [near, setNear] = useState(props.eager);
  const [figure, setFigure] = useState<PlotlyFigure | null>(null);
  const [error, setError] = useState<string | null>(null);
  const lastBuild = useRef({ at: 0, tookMs: 0 });
  const latest = useRef(props);
  latest.current = props;

  useEffect(() => {
    if (near || ref.current === null) return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) setNear(true);
      },
      { rootMargin: "400px" },
    );
    observer.observe(ref.current);
    return () => observer.disconnect();
  }, [near]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: buildKey stands for snapshot and build.
  useEffect(() => {
    if (!near) return;
    const { at, tookMs } = lastBuild.current;
    const wait = Math.max(0, at + 4 * tookMs - performance.now());
    const timer = setTimeout(() => {
      const start = performance.now();
      try {
        const current = latest.current;
        setFigure(current.build(current.snapshot));
        setError(null);
      } catch (e) {
        setError((e as Error).message);
        setFigure(null);
      }
      lastBuild.current = { at: performance.now(), tookMs: performance.now() - start };
    }, wait);
    return () => clearTimeout(timer);
  }, [near, props.buildKey]);

  const empty = figure !== null && figure.data.length === 0;
  return (
    <section
      className={props.wide === true ? "panel wide" : "panel"}
      ref={ref}
      data-figure={props.id}
    >
      <h2>{props.title}</h2>
      {error !== null ? (
        <p className="muted figure-note">{error}</p>
      ) : empty ? (
        <p className="muted figure-note">
          Nothing to plot: no trial here has what this figure needs.
        </p>
      ) : figure === null ? (
        <div className="plot plot-missing">{near ? "building…" : ""}</div>
      ) : (
        <Plot figure={figure} name={props.id} />
      )}
    </section>
  );
}
