import { useMemo, useState } from "react";
import type { StudySummary } from "../../server/dashboard/api-types.js";
import { ConfirmDialog } from "../components/ConfirmDialog.js";
import { StateCounts } from "../components/StateBadge.js";
import { api } from "../data/api.js";
import { num } from "../data/convert.js";
import { dropFeed } from "../data/feeds.js";
import { usePolled } from "../data/hooks.js";
import { formatDate, formatValue } from "../format.js";
import { href } from "../router.js";

type SortKey = "name" | "studyId" | "nTrials" | "complete" | "best" | "start" | "activity";

const COLUMNS: { key: SortKey; label: string; numeric: boolean }[] = [
  { key: "studyId", label: "id", numeric: true },
  { key: "name", label: "name", numeric: false },
  { key: "nTrials", label: "trials", numeric: true },
  { key: "complete", label: "by state", numeric: true },
  { key: "best", label: "best value", numeric: true },
  { key: "start", label: "started", numeric: true },
  { key: "activity", label: "last activity", numeric: true },
];

function bestValue(study: StudySummary): number | null {
  if (study.directions.length !== 1) return null;
  const best = study.best[0];
  return best === undefined ? null : num(best.values[0]!);
}

function sortValue(study: StudySummary, key: SortKey): number | string | null {
  switch (key) {
    case "name":
      return study.name.toLowerCase();
    case "studyId":
      return study.studyId;
    case "nTrials":
      return study.nTrials;
    case "complete":
      return study.counts.COMPLETE;
    case "best":
      return study.directions.length === 1 ? bestValue(study) : study.best.length;
    case "start":
      return study.datetimeStart;
    case "activity":
      return study.lastActivity;
  }
}

/** Sorts studies by a column; missing values last in either direction. */
export function sortStudies(
  studies: readonly StudySummary[],
  key: SortKey,
  descending: boolean,
): StudySummary[] {
  return [...studies].sort((a, b) => {
    const x = sortValue(a, key);
    const y = sortValue(b, key);
    if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
    const order = x < y ? -1 : x > y ? 1 : 0;
    return descending ? -order : order;
  });
}

function BestCell({ study }: { study: StudySummary }) {
  if (study.best.length === 0) return <span className="muted">-</span>;
  if (study.directions.length === 1) {
    const best = study.best[0]!;
    return (
      <a href={href({ page: "trial", studyId: study.studyId, number: best.number })}>
        {formatValue(num(best.values[0]!))}
      </a>
    );
  }
  return <span>{study.best.length} on the Pareto front</span>;
}

type Action = { kind: "delete" | "rename"; study: StudySummary };

/** Every study of the storage, live, sortable, with delete and rename unless read-only. */
export function StudiesPage({ readOnly }: { readOnly: boolean }) {
  const studies = usePolled(api.studies, 2000, "studies");
  const [sort, setSort] = useState<{ key: SortKey; descending: boolean }>({
    key: "studyId",
    descending: false,
  });
  const [selected, setSelected] = useState<ReadonlySet<number>>(new Set());
  const [action, setAction] = useState<Action | null>(null);
  const [newName, setNewName] = useState("");
  const rows = useMemo(
    () => sortStudies(studies.data?.studies ?? [], sort.key, sort.descending),
    [studies.data, sort],
  );
  const toggle = (id: number) => {
    const next = new Set(selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setSelected(next);
  };
  const clickHeader = (key: SortKey) =>
    setSort((s) => ({ key, descending: s.key === key ? !s.descending : false }));
  return (
    <>
      <h1>Studies</h1>
      {studies.error !== null && <div className="error">{studies.error}</div>}
      <div className="toolbar">
        <span className="muted">
          {studies.data === null ? "loading…" : `${rows.length} studies`}
        </span>
        <button
          type="button"
          disabled={selected.size < 1}
          onClick={() => {
            window.location.hash = href({ page: "compare", studyIds: [...selected] });
          }}
        >
          Compare {selected.size > 0 ? `${selected.size} ` : ""}selected
        </button>
      </div>
      <div className="panel">
        <table className="grid" id="studies">
          <thead>
            <tr>
              <th />
              {COLUMNS.map((c) => (
                <th
                  key={c.key}
                  className={`sortable${c.numeric ? " num" : ""}`}
                  onClick={() => clickHeader(c.key)}
                  aria-sort={
                    sort.key === c.key ? (sort.descending ? "descending" : "ascending") : "none"
                  }
                >
                  {c.label}
                  {sort.key === c.key ? (sort.descending ? " ▼" : " ▲") : ""}
                </th>
              ))}
              <th>directions</th>
              {!readOnly && <th />}
            </tr>
          </thead>
          <tbody>
            {rows.map((study) => (
              <tr key={study.studyId} data-study={study.studyId}>
                <td>
                  <input
                    type="checkbox"
                    aria-label={`select ${study.name} to compare`}
                    checked={selected.has(study.studyId)}
                    onChange={() => toggle(study.studyId)}
                  />
                </td>
                <td className="num">{study.studyId}</td>
                <td>
                  <a className="study-name" href={href({ page: "study", studyId: study.studyId })}>
                    {study.name}
                  </a>
                </td>
                <td className="num">{study.nTrials}</td>
                <td>
                  <StateCounts counts={study.counts} />
                </td>
                <td className="num">
                  <BestCell study={study} />
                </td>
                <td className="num">{formatDate(toDate(study.datetimeStart))}</td>
                <td className="num">{formatDate(toDate(study.lastActivity))}</td>
                <td>{study.directions.join(", ")}</td>
                {!readOnly && (
                  <td>
                    <button
                      type="button"
                      onClick={() => {
                        setNewName(study.name);
                        setAction({ kind: "rename", study });
                      }}
                    >
                      Rename
                    </button>{" "}
                    <button
                      type="button"
                      className="danger"
                      onClick={() => setAction({ kind: "delete", study })}
                    >
                      Delete
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {action?.kind === "delete" && (
        <ConfirmDialog
          title="Delete study"
          confirmLabel="Delete"
          danger
          onClose={() => setAction(null)}
          onConfirm={async () => {
            await api.deleteStudy(action.study.studyId);
            dropFeed(action.study.studyId);
            studies.reload();
          }}
        >
          <p>
            Delete the study <strong>{action.study.name}</strong> and its {action.study.nTrials}{" "}
            trials from the storage? This cannot be undone.
          </p>
        </ConfirmDialog>
      )}
      {action?.kind === "rename" && (
        <ConfirmDialog
          title="Rename study"
          confirmLabel="Rename"
          onClose={() => setAction(null)}
          onConfirm={async () => {
            await api.rename(action.study.studyId, newName);
            studies.reload();
          }}
        >
          <p>
            New name for <strong>{action.study.name}</strong>:
          </p>
          <input
            type="text"
            aria-label="new name"
            value={newName}
            onChange={(e) => setNewName(e.target.value)}
            style={{ width: "100%" }}
          />
        </ConfirmDialog>
      )}
    </>
  );
}

function toDate(ms: number | null): Date | null {
  return ms === null ? null : new Date(ms);
}
