import type { TrialState } from "../../trial/state.js";

/** A trial state as a coloured label. */
export function StateBadge({ state }: { state: TrialState }) {
  return <span className={`state state-${state}`}>{state}</span>;
}

/** Counts by state as badges, zero counts left out. */
export function StateCounts({ counts }: { counts: Readonly<Record<TrialState, number>> }) {
  const shown = (Object.keys(counts) as TrialState[]).filter((s) => counts[s] > 0);
  if (shown.length === 0) return <span className="muted">no trials</span>;
  return (
    <span className="counts">
      {shown.map((state) => (
        <span key={state} className={`state state-${state}`} title={state}>
          {counts[state]} {state.toLowerCase()}
        </span>
      ))}
    </span>
  );
}
