import { useEffect, useMemo, useState } from "react";
import type { StudyDetail } from "../../server/dashboard/api-types.js";
import { makeSnapshot } from "../../study/snapshot.js";
import type { TrialState } from "../../trial/state.js";
import { FigurePanel } from "../components/FigurePanel.js";
import { NoteEditor } from "../components/NoteEditor.js";
import { StateCounts } from "../components/StateBadge.js";
import { api } from "../data/api.js";
import { num } from "../data/convert.js";
import { useStudyFeed } from "../data/feeds.js";
import { applyPlotFilter, countByState, type Range, STATES } from "../data/filters.js";
import { usePolled } from "../data/hooks.js";
import { FIGURES, type FigureContext, PARALLEL_LINES } from "../figures.js";
import { formatDuration, formatValue } from "../format.js";
import { whenPlotly } from "../plotly.js";
import { href } from "../router.js";

/** Parameters drawn by default by the per-parameter figures (more are a click away). */
const DEFAULT_PARAMS = 8;

function parseBound(text: string): number | null {
  if (text.trim() === "") return null;
  const value = Number(text);
  return Number.isFinite(value) ? value : null;
}

/** The current time, refreshed every `ms`. */
function useNow(ms: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}

function BestTrials({ detail }: { detail: StudyDetail }) {
  if (detail.best.length === 0) return <p className="muted">No completed trial yet.</p>;
  const shown = detail.best.slice(0, 10);
  return (
    <table className="grid">
      <thead>
        <tr>
          <th>trial</th>
          {detail.directions.map((d, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: an objective is known by its position
            <th key={i} className="num">
              {detail.directions.length === 1 ? "value" : `values[${i}]`} ({d})
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {shown.map((best) => (
          <tr key={best.number}>
            <td>
              <a href={href({ page: "trial", studyId: detail.studyId, number: best.number })}>
                #{best.number}
              </a>
            </td>
            {best.values.map((v, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: an objective is known by its position
              <td key={i} className="num">
                {formatValue(num(v))}
              </td>
            ))}
          </tr>
        ))}
        {detail.best.length > shown.length && (
          <tr>
            <td colSpan={1 + detail.directions.length} className="muted">
              and {detail.best.length - shown.length} more on the Pareto front
            </td>
          </tr>
        )}
      </tbody>
    </table>
  );
}

/** A study: best trials, counts, running trials, note, and every figure under one filter. */
export function StudyPage({ studyId, readOnly }: { studyId: number; readOnly: boolean }) {
  const detail = usePolled(() => api.study(studyId), 3000, `study-${studyId}`);
  // Start loading Plotly now, while the data is fetched.
  useEffect(() => {
    whenPlotly().catch(() => undefined);
  }, []);
  const feed = useStudyFeed(studyId);
  const now = useNow(1000);
  const [states, setStates] = useState<readonly TrialState[]>([]);
  const [numbers, setNumbers] = useState<Range>({ min: null, max: null });
  const [objective, setObjective] = useState(0);
  const [chosenParams, setChosenParams] = useState<readonly string[] | null>(null);
  const [contour, setContour] = useState<readonly [string, string] | null>(null);
  const [parallelLines, setParallelLines] = useState(PARALLEL_LINES);

  const names = feed.space.names;
  const params = chosenParams ?? names.slice(0, DEFAULT_PARAMS);
  const contourPair: readonly [string, string] | null =
    contour ?? (names.length >= 2 ? [names[0]!, names[1]!] : null);
  const studyName = detail.data?.name ?? `study ${studyId}`;
  const filtered = useMemo(
    () => applyPlotFilter(feed.trials, { states, numbers }),
    [feed.trials, states, numbers],
  );
  const snapshot = useMemo(
    () => makeSnapshot(studyName, feed.directions, filtered),
    [studyName, feed.directions, filtered],
  );
  const context: FigureContext = { objective, params, contour: contourPair, parallelLines };
  const buildKey = JSON.stringify([
    feed.version,
    states,
    numbers,
    objective,
    params,
    contourPair,
    parallelLines,
    studyName,
  ]);
  const counts = useMemo(() => countByState(feed.trials), [feed.trials]);
  const running = useMemo(() => feed.trials.filter((t) => t.state === "RUNNING"), [feed.trials]);
  const multi = feed.directions.length > 1;
  const figures = FIGURES.filter(
    (f) => f.objectives === undefined || (f.objectives === "multi") === multi,
  );
  const toggleState = (state: TrialState) =>
    setStates((old) => (old.includes(state) ? old.filter((s) => s !== state) : [...old, state]));
  const toggleParam = (name: string) =>
    setChosenParams(params.includes(name) ? params.filter((p) => p !== name) : [...params, name]);

  return (
    <>
      <h1 className="study-title">{studyName}</h1>
      {detail.error !== null && <div className="error">{detail.error}</div>}
      {feed.error !== null && <div className="error">{feed.error}</div>}
      <div className="toolbar">
        <a href={href({ page: "trials", studyId })}>Trials table</a>
        <span className="muted">directions: {feed.directions.join(", ") || "…"}</span>
        <span className="muted" id="n-trials">
          {feed.loading ? "loading…" : `${feed.trials.length} trials`}
        </span>
      </div>
      <div className="row">
        <section className="panel">
          <h2>Trials by state</h2>
          <StateCounts counts={counts} />
        </section>
        <section className="panel">
          <h2>{multi ? "Pareto front" : "Best trial"}</h2>
          {detail.data !== null && <BestTrials detail={detail.data} />}
        </section>
        <section className="panel" id="running">
          <h2>Running ({running.length})</h2>
          {running.length === 0 ? (
            <p className="muted">None.</p>
          ) : (
            <table className="grid">
              <tbody>
                {running.slice(0, 50).map((t) => (
                  <tr key={t.number}>
                    <td>
                      <a href={href({ page: "trial", studyId, number: t.number })}>#{t.number}</a>
                    </td>
                    <td className="num">
                      {formatDuration(
                        t.datetimeStart === null
                          ? null
                          : Math.max(0, now + feed.clockOffsetMs - t.datetimeStart.getTime()),
                      )}
                    </td>
                    <td className="muted">{t.lastStep === null ? "" : `step ${t.lastStep}`}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      </div>
      <section className="panel">
        <h2>Note</h2>
        {detail.data !== null && (
          <NoteEditor
            note={detail.data.note}
            readOnly={readOnly}
            save={(text, version) => api.saveStudyNote(studyId, text, version)}
          />
        )}
      </section>
      <section className="panel toolbar" aria-label="figure filters">
        <strong>Plots show</strong>
        {STATES.map((state) => (
          <label key={state}>
            <input
              type="checkbox"
              name="plot-state"
              value={state}
              checked={states.includes(state)}
              onChange={() => toggleState(state)}
            />{" "}
            {state.toLowerCase()}
          </label>
        ))}
        <span className="muted">(none checked: all)</span>
        <span>
          trials{" "}
          <input
            type="number"
            aria-label="first trial"
            placeholder="from"
            value={numbers.min ?? ""}
            onChange={(e) => setNumbers({ ...numbers, min: parseBound(e.target.value) })}
          />{" "}
          to{" "}
          <input
            type="number"
            aria-label="last trial"
            placeholder="to"
            value={numbers.max ?? ""}
            onChange={(e) => setNumbers({ ...numbers, max: parseBound(e.target.value) })}
          />
        </span>
        {multi && (
          <label>
            objective{" "}
            <select value={objective} onChange={(e) => setObjective(Number(e.target.value))}>
              {feed.directions.map((d, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: an objective is known by its position
                <option key={i} value={i}>
                  {i} ({d})
                </option>
              ))}
            </select>
          </label>
        )}
        <span className="muted">
          {filtered.length} of {feed.trials.length} trials
        </span>
      </section>
      {names.length > 0 && (
        <details className="panel">
          <summary>
            Parameters drawn ({params.length} of {names.length})
          </summary>
          <div className="chooser">
            {names.map((name) => (
              <label key={name}>
                <input
                  type="checkbox"
                  checked={params.includes(name)}
                  onChange={() => toggleParam(name)}
                />{" "}
                {name}
              </label>
            ))}
          </div>
          {names.length >= 2 && contourPair !== null && (
            <div className="toolbar" style={{ marginTop: 8 }}>
              contour of
              {[0, 1].map((axis) => (
                <select
                  key={axis}
                  aria-label={`contour ${axis === 0 ? "x" : "y"}`}
                  value={contourPair[axis]}
                  onChange={(e) =>
                    setContour(
                      axis === 0
                        ? [e.target.value, contourPair[1]]
                        : [contourPair[0], e.target.value],
                    )
                  }
                >
                  {names.map((name) => (
                    <option key={name} value={name}>
                      {name}
                    </option>
                  ))}
                </select>
              ))}
            </div>
          )}
        </details>
      )}
      <div className="plots">
        {!feed.loading &&
          figures.map((f) => (
            <FigurePanel
              key={f.id}
              id={f.id}
              title={f.title}
              eager={f.eager === true}
              wide={f.wide === true}
              snapshot={snapshot}
              buildKey={buildKey}
              build={(s) => f.build(s, context)}
            >
              {f.id === "parallel" && filtered.length > PARALLEL_LINES && (
                <label className="muted figure-caption">
                  <input
                    type="checkbox"
                    name="parallel-all"
                    checked={parallelLines > PARALLEL_LINES}
                    onChange={(e) =>
                      setParallelLines(e.target.checked ? 10 * PARALLEL_LINES : PARALLEL_LINES)
                    }
                  />{" "}
                  draw up to {(10 * PARALLEL_LINES).toLocaleString("en-US")} lines (slower)
                </label>
              )}
            </FigurePanel>
          ))}
      </div>
    </>
  );
}
