import { useCallback, useEffect, useRef, useState } from "react";
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

/** Of the time spent building and drawing, at most this share while trials keep arriving. */
const BUSY_SHARE = 0.2;

/**
 * A figure built by a library figure function and drawn by Plotly. It builds after the page
 * has painted and only while on screen (or near it; the top figures at once), and while trials
 * keep arriving it waits between rebuilds so that building and drawing take at most a fifth of
 * the time: a 100,000-trial study stays responsive, and its counts and tables stay live.
 */
export function FigurePanel(props: FigurePanelProps) {
  const ref = useRef<HTMLElement>(null);
  const [visible, setVisible] = useState(props.eager);
  const [figure, setFigure] = useState<PlotlyFigure | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [builtKey, setBuiltKey] = useState<string | null>(null);
  const last = useRef({ start: 0, end: 0 });
  const latest = useRef(props);
  latest.current = props;

  useEffect(() => {
    if (ref.current === null) return;
    const observer = new IntersectionObserver(
      (entries) => setVisible(entries.some((e) => e.isIntersecting)),
      { rootMargin: "400px" },
    );
    observer.observe(ref.current);
    return () => observer.disconnect();
  }, []);

  const onDrawn = useCallback(() => {
    last.current.end = performance.now();
  }, []);

  useEffect(() => {
    if (!visible || builtKey === props.buildKey) return;
    const { start, end } = last.current;
    const spent = Math.max(0, end - start);
    const wait = Math.max(0, end + spent * (1 / BUSY_SHARE - 1) - performance.now());
    const timer = setTimeout(() => {
      const current = latest.current;
      last.current = { start: performance.now(), end: performance.now() };
      try {
        setFigure(current.build(current.snapshot));
        setError(null);
      } catch (e) {
        setError((e as Error).message);
        setFigure(null);
      }
      last.current.end = performance.now();
      setBuiltKey(current.buildKey);
    }, wait);
    return () => clearTimeout(timer);
  }, [visible, builtKey, props.buildKey]);

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
        <div className="plot plot-missing">{visible ? "building…" : ""}</div>
      ) : (
        <Plot figure={figure} name={props.id} onDrawn={onDrawn} />
      )}
    </section>
  );
}
