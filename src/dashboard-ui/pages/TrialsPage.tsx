import {
  type ColumnVisibilityState,
  columnSizingFeature,
  columnVisibilityFeature,
  createColumnHelper,
  functionalUpdate,
  rowSortingFeature,
  type SortingState,
  tableFeatures,
  useTable,
} from "@tanstack/react-table";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useMemo, useRef, useState } from "react";
import type { FrozenTrial } from "../../trial/frozen.js";
import type { TrialState } from "../../trial/state.js";
import { toCsv } from "../csv.js";
import { sortTrials, type TrialColumn, trialColumns, userAttrNames } from "../data/columns.js";
import { useStudyFeed } from "../data/feeds.js";
import {
  type AttrFilter,
  applyTableFilter,
  type Range,
  STATES,
  type TableFilter,
} from "../data/filters.js";
import { href } from "../router.js";

const features = tableFeatures({
  rowSortingFeature,
  columnVisibilityFeature,
  columnSizingFeature,
});
const helper = createColumnHelper<typeof features, FrozenTrial>();
const ROW_HEIGHT = 28;
const OPEN: Range = { min: null, max: null };

function parseBound(text: string): number | null {
  if (text.trim() === "") return null;
  const value = Number(text);
  return Number.isFinite(value) ? value : null;
}

/** A min/max pair of number inputs. */
function RangeInputs(props: { label: string; range: Range; onChange: (range: Range) => void }) {
  return (
    <>
      <input
        type="number"
        aria-label={`${props.label} min`}
        placeholder="min"
        value={props.range.min ?? ""}
        onChange={(e) => props.onChange({ ...props.range, min: parseBound(e.target.value) })}
      />
      <span>–</span>
      <input
        type="number"
        aria-label={`${props.label} max`}
        placeholder="max"
        value={props.range.max ?? ""}
        onChange={(e) => props.onChange({ ...props.range, max: parseBound(e.target.value) })}
      />
    </>
  );
}

function download(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: "text/csv;charset=utf-8" }));
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Every trial of a study: sortable, filtered, column chooser, CSV export, virtualized rows. */
export function TrialsPage({ studyId, studyName }: { studyId: number; studyName: string }) {
  const feed = useStudyFeed(studyId);
  const [states, setStates] = useState<readonly TrialState[]>([]);
  const [numbers, setNumbers] = useState<Range>(OPEN);
  const [ranges, setRanges] = useState<Record<string, Range>>({});
  const [choices, setChoices] = useState<Record<string, string>>({});
  const [attr, setAttr] = useState<AttrFilter>({ scope: "user", key: "", contains: "" });
  const [sorting, setSorting] = useState<SortingState>([{ id: "number", desc: false }]);
  const [visibility, setVisibility] = useState<ColumnVisibilityState>({});
  const scrollRef = useRef<HTMLDivElement>(null);

  const specs = useMemo(
    () => trialColumns(feed.directions, feed.space, feed.trials),
    [feed.directions, feed.space, feed.trials],
  );
  const byId = useMemo(() => new Map(specs.map((c) => [c.id, c])), [specs]);
  const attrNames = useMemo(() => userAttrNames(feed.trials), [feed.trials]);
  const columns = useMemo(
    () =>
      helper.columns(
        specs.map((spec) =>
          helper.accessor((trial) => spec.key(trial), {
            id: spec.id,
            header: spec.label,
            size: spec.width,
          }),
        ),
      ),
    [specs],
  );
  const effectiveVisibility = useMemo(() => {
    const out: ColumnVisibilityState = {};
    for (const spec of specs) out[spec.id] = visibility[spec.id] ?? spec.visibleByDefault;
    return out;
  }, [specs, visibility]);

  const filter: TableFilter = useMemo(
    () => ({
      states,
      numbers,
      ranges: Object.entries(ranges)
        .map(([id, range]) => ({ key: byId.get(id)?.range, range }))
        .filter(
          (r): r is { key: NonNullable<TrialColumn["range"]>; range: Range } => r.key !== undefined,
        ),
      choices: Object.entries(choices)
        .filter(([, label]) => label !== "")
        .map(([id, label]) => ({ name: id.slice("param:".length), label })),
      attrs: attr.key === "" ? [] : [attr],
    }),
    [states, numbers, ranges, choices, attr, byId],
  );
  const filtered = useMemo(() => applyTableFilter(feed.trials, filter), [feed.trials, filter]);
  const sorted = useMemo(() => {
    const first = sorting[0];
    const column = first === undefined ? undefined : byId.get(first.id);
    return column === undefined ? [...filtered] : sortTrials(filtered, column, first!.desc);
  }, [filtered, sorting, byId]);

  const table = useTable(
    {
      features,
      columns,
      data: sorted,
      // Sorting runs in sortTrials over precomputed numeric keys (fast at 100,000 rows); the
      // table keeps the sorting state and the header toggles.
      manualSorting: true,
      enableMultiSort: false,
      enableSortingRemoval: false,
      // The first click sorts ascending for every column (TanStack starts numbers descending).
      sortDescFirst: false,
      getRowId: (trial) => String(trial.number),
      state: { sorting, columnVisibility: effectiveVisibility },
      onSortingChange: (updater) => setSorting((old) => functionalUpdate(updater, old)),
      onColumnVisibilityChange: (updater) =>
        setVisibility((old) => functionalUpdate(updater, { ...effectiveVisibility, ...old })),
    },
    (state) => ({ sorting: state.sorting, columnVisibility: state.columnVisibility }),
  );
  const rows = table.getRowModel().rows;
  const visibleColumns = table.getVisibleLeafColumns();
  const totalWidth = visibleColumns.reduce((sum, c) => sum + c.getSize(), 0);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });

  const exportCsv = () => {
    const shown = visibleColumns.map((c) => byId.get(c.id)!);
    const csv = toCsv(
      shown.map((c) => c.label),
      sorted.map((trial) => shown.map((c) => c.csv(trial))),
    );
    download(`${studyName.replace(/[^\w.-]+/g, "_") || "study"}-trials.csv`, csv);
  };

  const rangeColumns = specs.filter((s) => s.range !== undefined && effectiveVisibility[s.id]);
  const choiceColumns = specs.filter((s) => s.choices !== undefined && effectiveVisibility[s.id]);
  const toggleState = (state: TrialState) =>
    setStates((old) => (old.includes(state) ? old.filter((s) => s !== state) : [...old, state]));

  return (
    <>
      <h1>
        Trials of <a href={href({ page: "study", studyId })}>{studyName}</a>
      </h1>
      {feed.error !== null && <div className="error">{feed.error}</div>}
      <details className="panel" open>
        <summary>Filters</summary>
        <div className="filters">
          <div>
            {STATES.map((state) => (
              <label key={state} style={{ display: "inline-flex", marginRight: 10 }}>
                <input
                  type="checkbox"
                  name="state"
                  value={state}
                  checked={states.includes(state)}
                  onChange={() => toggleState(state)}
                />
                {state.toLowerCase()}
              </label>
            ))}
          </div>
          <div className="filter">
            number <RangeInputs label="number" range={numbers} onChange={setNumbers} />
          </div>
          {rangeColumns.map((spec) => (
            <div className="filter" key={spec.id}>
              <span title={spec.label} className="range-label">
                {spec.label}
              </span>
              <RangeInputs
                label={spec.label}
                range={ranges[spec.id] ?? OPEN}
                onChange={(range) => setRanges((old) => ({ ...old, [spec.id]: range }))}
              />
            </div>
          ))}
          {choiceColumns.map((spec) => (
            <label key={spec.id}>
              {spec.label}
              <select
                value={choices[spec.id] ?? ""}
                onChange={(e) => setChoices((old) => ({ ...old, [spec.id]: e.target.value }))}
              >
                <option value="">(any)</option>
                {spec.choices!.map((choice) => (
                  <option key={choice} value={choice}>
                    {choice}
                  </option>
                ))}
              </select>
            </label>
          ))}
          {attrNames.length > 0 && (
            <label>
              attribute
              <select
                aria-label="attribute"
                value={attr.key}
                onChange={(e) => setAttr({ ...attr, key: e.target.value })}
              >
                <option value="">(any)</option>
                {attrNames.map((name) => (
                  <option key={name} value={name}>
                    {name}
                  </option>
                ))}
              </select>
              <input
                type="search"
                aria-label="attribute contains"
                placeholder="contains"
                value={attr.contains}
                onChange={(e) => setAttr({ ...attr, contains: e.target.value })}
              />
            </label>
          )}
        </div>
      </details>
      <details className="panel">
        <summary>Columns</summary>
        <div className="chooser">
          {table.getAllLeafColumns().map((column) => (
            <label key={column.id}>
              <input
                type="checkbox"
                checked={column.getIsVisible()}
                onChange={column.getToggleVisibilityHandler()}
              />{" "}
              {byId.get(column.id)?.label ?? column.id}
            </label>
          ))}
        </div>
      </details>
      <div className="toolbar">
        <span className="muted" id="trial-count">
          {feed.loading ? "loading…" : `${rows.length} of ${feed.trials.length} trials`}
        </span>
        <button type="button" onClick={exportCsv} disabled={rows.length === 0}>
          Export CSV
        </button>
      </div>
      <div className="vtable" ref={scrollRef}>
        <table id="trials" aria-rowcount={rows.length}>
          <thead>
            <tr className="vhead" style={{ width: totalWidth }}>
              {table.getHeaderGroups()[0]?.headers.map((header) => {
                const spec = byId.get(header.column.id);
                const sorted = header.column.getIsSorted();
                return (
                  <th
                    key={header.id}
                    className={`cell${spec?.numeric === true ? " num" : ""}`}
                    style={{ width: header.getSize() }}
                    aria-sort={
                      sorted === "asc" ? "ascending" : sorted === "desc" ? "descending" : "none"
                    }
                    title={spec?.label}
                  >
                    <button
                      type="button"
                      className="sort"
                      data-column={header.column.id}
                      onClick={header.column.getToggleSortingHandler()}
                    >
                      {spec?.label ?? header.id}
                      {sorted === "asc" ? " ▲" : sorted === "desc" ? " ▼" : ""}
                    </button>
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody style={{ height: virtualizer.getTotalSize(), width: totalWidth }}>
            {virtualizer.getVirtualItems().map((item) => {
              const row = rows[item.index]!;
              const trial = row.original;
              return (
                <tr
                  key={row.id}
                  className="vrow"
                  data-number={trial.number}
                  style={{ top: item.start, height: ROW_HEIGHT, width: totalWidth }}
                >
                  {row.getVisibleCells().map((cell) => {
                    const spec = byId.get(cell.column.id)!;
                    return (
                      <td
                        key={cell.id}
                        className={`cell${spec.numeric ? " num" : ""}`}
                        style={{ width: cell.column.getSize() }}
                      >
                        {spec.id === "number" ? (
                          <a href={href({ page: "trial", studyId, number: trial.number })}>
                            {trial.number}
                          </a>
                        ) : spec.id === "state" ? (
                          <span className={`state state-${trial.state}`}>{trial.state}</span>
                        ) : (
                          spec.text(trial)
                        )}
                      </td>
                    );
                  })}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </>
  );
}
