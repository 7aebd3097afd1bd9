import { type ReactNode, useCallback, useEffect, useRef, useState } from "react";
import type { StudySnapshot } from "../../study/snapshot.js";
import type { PlotlyFigure } from "../../visualization/types.js";
import type { DecimatedFigure } from "../decimate.js";
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
  /** The figure, or the figure and a caption (what a dashboard-side cap left out). */
  build: (snapshot: StudySnapshot) => PlotlyFigure | DecimatedFigure;
  /** Controls under the figure (e.g. drawing more lines). */
  children?: ReactNode;
}

/** Of the time spent building and drawing, at most this share while trials keep arriving. */
const BUSY_SHARE = 0.2;

/**
 * Eager panels (the top figures) that have not drawn yet. The other panels build only after
 * them: Plotly draws one figure after the other on the page's thread, and a lower figure drawn
 * first (the intermediate values' WebGL lines cost about half a second without a GPU) would
 * delay the top ones.
 */
let pendingEager = 0;
const afterEager = new Set<() => void>();

/** Longest wait of the other panels on the top ones (Plotly failed, or a top panel hangs). */
const EAGER_WAIT_MS = 10_000;

function releaseEager(): void {
  pendingEager = Math.max(0, pendingEager - 1);
  if (pendingEager > 0) return;
  const waiting = [...afterEager];
  afterEager.clear();
  for (const run of waiting) run();
}

/** Runs `run` once no top figure is still to draw; returns a cancel function. */
function whenEagerDrawn(run: () => void): () => void {
  if (pendingEager === 0) {
    run();
    return () => undefined;
  }
  afterEager.add(run);
  const timer = setTimeout(() => {
    if (afterEager.delete(run)) run();
  }, EAGER_WAIT_MS);
  return () => {
    clearTimeout(timer);
    afterEager.delete(run);
  };
}

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
  const [caption, setCaption] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [builtKey, setBuiltKey] = useState<string | null>(null);
  const [released, setReleased] = useState(props.eager);
  // An eager panel counts as pending until it has drawn, found nothing to draw, or unmounted.
  const pending = useRef(false);
  const release = useCallback(() => {
    if (!pending.current) return;
    pending.current = false;
    releaseEager();
  }, []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: whether a panel is eager is fixed at mount.
  useEffect(() => {
    if (props.eager) {
      pending.current = true;
      pendingEager += 1;
      return release;
    }
    return whenEagerDrawn(() => setReleased(true));
  }, []);
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
    release();
  }, [release]);

  useEffect(() => {
    if (!visible || !released || builtKey === props.buildKey) return;
    const { start, end } = last.current;
    const spent = Math.max(0, end - start);
    const wait = Math.max(0, end + spent * (1 / BUSY_SHARE - 1) - performance.now());
    const timer = setTimeout(() => {
      const current = latest.current;
      last.current = { start: performance.now(), end: performance.now() };
      try {
        const built = current.build(current.snapshot);
        const figure = "figure" in built ? built.figure : built;
        setFigure(figure);
        setCaption("figure" in built ? built.caption : null);
        setError(null);
        if (figure.data.length === 0) release();
      } catch (e) {
        setError((e as Error).message);
        setFigure(null);
        release();
      }
      last.current.end = performance.now();
      setBuiltKey(current.buildKey);
    }, wait);
    return () => clearTimeout(timer);
  }, [visible, released, builtKey, props.buildKey, release]);

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
      {error === null && !empty && caption !== null && (
        <p className="muted figure-caption">{caption}</p>
      )}
      {props.children}
    </section>
  );
}
