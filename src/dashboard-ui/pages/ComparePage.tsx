import { useEffect, useMemo } from "react";
import { makeSnapshot } from "../../study/snapshot.js";
import type { FrozenTrial } from "../../trial/frozen.js";
import { edfFigure } from "../../visualization/edf.js";
import { optimizationHistoryFigure } from "../../visualization/optimization-history.js";
import { FigurePanel } from "../components/FigurePanel.js";
import { api } from "../data/api.js";
import { useStudyFeeds } from "../data/feeds.js";
import { usePolled } from "../data/hooks.js";
import { whenPlotly } from "../plotly.js";
import { href } from "../router.js";

/** Several studies overlaid: their optimization histories and EDFs. */
export function ComparePage({ studyIds }: { studyIds: readonly number[] }) {
  const studies = usePolled(api.studies, 5000, "studies");
  // Start loading Plotly now, while the data is fetched.
  useEffect(() => {
    whenPlotly().catch(() => undefined);
  }, []);
  const feeds = useStudyFeeds(studyIds);
  const names = useMemo(
    () => new Map((studies.data?.studies ?? []).map((s) => [s.studyId, s.name])),
    [studies.data],
  );
  const snapshots = useMemo(
    () =>
      feeds.map((feed, i) =>
        makeSnapshot(
          names.get(studyIds[i]!) ?? `study ${studyIds[i]}`,
          feed.directions,
          feed.trials,
        ),
      ),
    [feeds, names, studyIds],
  );
  const several = snapshots.some((s) => s.directions.length > 1);
  const options = several
    ? {
        target: (t: FrozenTrial) => t.values?.[0] ?? Number.NaN,
        targetName: "Objective 0",
      }
    : {};
  const buildKey = JSON.stringify([feeds.map((f) => f.version), [...names.entries()]]);
  const loading = feeds.some((f) => f.loading);
  const errors = feeds.map((f) => f.error).filter((e): e is string => e !== null);
  return (
    <>
      <h1>Compare studies</h1>
      {studyIds.length === 0 && (
        <p className="muted">
          Choose studies on the <a href={href({ page: "studies" })}>studies page</a>.
        </p>
      )}
      {errors.map((e) => (
        <div className="error" key={e}>
          {e}
        </div>
      ))}
      <ul className="compared">
        {studyIds.map((id) => (
          <li key={id}>
            <a href={href({ page: "study", studyId: id })}>{names.get(id) ?? `study ${id}`}</a>
          </li>
        ))}
      </ul>
      {several && <p className="muted">Studies with several objectives: objective 0 is drawn.</p>}
      {!loading && snapshots.length > 0 && (
        <div className="plots">
          <FigurePanel
            id="compare-history"
            title="Optimization histories"
            eager
            snapshot={snapshots[0]!}
            buildKey={buildKey}
            build={() => optimizationHistoryFigure(snapshots, options)}
          />
          <FigurePanel
            id="compare-edf"
            title="Empirical distribution (EDF)"
            eager
            snapshot={snapshots[0]!}
            buildKey={buildKey}
            build={() => edfFigure(snapshots, options)}
          />
        </div>
      )}
    </>
  );
}
