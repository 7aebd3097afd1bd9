import { useEffect, useMemo } from "react";
import type { TrialDetail } from "../../server/dashboard/api-types.js";
import { makeSnapshot } from "../../study/snapshot.js";
import { intermediateValuesFigure } from "../../visualization/intermediate-values.js";
import { NoteEditor } from "../components/NoteEditor.js";
import { Plot } from "../components/Plot.js";
import { StateBadge } from "../components/StateBadge.js";
import { api } from "../data/api.js";
import { detailToFrozenTrial, num } from "../data/convert.js";
import { usePolled } from "../data/hooks.js";
import { formatAny, formatDate, formatDuration, formatValue } from "../format.js";
import { whenPlotly } from "../plotly.js";
import { href } from "../router.js";

function AttrTable({ attrs }: { attrs: Record<string, unknown> }) {
  const keys = Object.keys(attrs).sort();
  if (keys.length === 0) return <p className="muted">None.</p>;
  return (
    <table className="grid kv">
      <tbody>
        {keys.map((key) => (
          <tr key={key}>
            <td>{key}</td>
            <td style={{ whiteSpace: "pre-wrap" }}>{formatAny(attrs[key])}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Curve({ detail, studyName }: { detail: TrialDetail; studyName: string }) {
  const figure = useMemo(() => {
    const trial = detailToFrozenTrial(detail);
    return intermediateValuesFigure(makeSnapshot(studyName, [], [trial]));
  }, [detail, studyName]);
  if (detail.intermediate[0].length === 0) return <p className="muted">No intermediate values.</p>;
  return <Plot figure={figure} name="trial-intermediate" />;
}

/** One trial: params, values, curve, attributes, failure, log and note. */
export function TrialPage(props: {
  studyId: number;
  number: number;
  studyName: string;
  readOnly: boolean;
}) {
  const { studyId, number } = props;
  const trial = usePolled(() => api.trial(studyId, number), 2000, `trial-${studyId}-${number}`);
  // Start loading Plotly now, while the data is fetched.
  useEffect(() => {
    whenPlotly().catch(() => undefined);
  }, []);
  const detail = trial.data;
  const nav = (n: number) => href({ page: "trial", studyId, number: n });
  return (
    <>
      <h1>
        Trial #{number} of <a href={href({ page: "study", studyId })}>{props.studyName}</a>{" "}
        {detail !== null && <StateBadge state={detail.state} />}
      </h1>
      <div className="toolbar">
        {number > 0 && <a href={nav(number - 1)}>← #{number - 1}</a>}
        <a href={nav(number + 1)}>#{number + 1} →</a>
        <a href={href({ page: "trials", studyId })}>all trials</a>
      </div>
      {trial.error !== null && <div className="error">{trial.error}</div>}
      {detail !== null && (
        <>
          <div className="row">
            <section className="panel">
              <h2>Values</h2>
              <table className="grid kv">
                <tbody>
                  {(detail.values ?? []).map((v, i) => (
                    // biome-ignore lint/suspicious/noArrayIndexKey: an objective is known by its position
                    <tr key={i}>
                      <td>{detail.values!.length === 1 ? "value" : `values[${i}]`}</td>
                      <td className="num">{formatValue(num(v))}</td>
                    </tr>
                  ))}
                  <tr>
                    <td>started</td>
                    <td>{formatDate(detail.start === null ? null : new Date(detail.start))}</td>
                  </tr>
                  <tr>
                    <td>completed</td>
                    <td>
                      {formatDate(detail.complete === null ? null : new Date(detail.complete))}
                    </td>
                  </tr>
                  <tr>
                    <td>duration</td>
                    <td>
                      {formatDuration(
                        detail.start !== null && detail.complete !== null
                          ? detail.complete - detail.start
                          : null,
                      )}
                    </td>
                  </tr>
                  {detail.constraints !== null && (
                    <tr>
                      <td>constraints</td>
                      <td>{detail.constraints.map((c) => formatValue(num(c))).join(", ")}</td>
                    </tr>
                  )}
                </tbody>
              </table>
              {detail.failReason !== null && (
                <div className="error fail-reason" style={{ whiteSpace: "pre-wrap" }}>
                  {detail.failReason}
                </div>
              )}
            </section>
            <section className="panel">
              <h2>Parameters</h2>
              <table className="grid kv">
                <tbody>
                  {detail.params.map((p) => (
                    <tr key={p.name}>
                      <td>{p.name}</td>
                      <td>{formatAny(p.value)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          </div>
          <section className="panel">
            <h2>Intermediate values</h2>
            <Curve detail={detail} studyName={props.studyName} />
          </section>
          <div className="row">
            <section className="panel">
              <h2>User attributes</h2>
              <AttrTable attrs={detail.userAttrs} />
            </section>
            <section className="panel">
              <h2>System attributes</h2>
              <AttrTable attrs={detail.systemAttrs} />
            </section>
          </div>
          <section className="panel">
            <h2>Note</h2>
            <NoteEditor
              note={detail.note}
              readOnly={props.readOnly}
              save={(text, version) => api.saveTrialNote(studyId, number, text, version)}
            />
          </section>
          {detail.log !== null && (
            <section className="panel">
              <h2>Log</h2>
              <p className="muted">
                {detail.log.path}
                {detail.log.truncated && ` (last part of ${detail.log.size} bytes)`}
              </p>
              {detail.log.available ? (
                <pre className="log">{detail.log.content}</pre>
              ) : (
                <p className="muted">The log file is not on this machine.</p>
              )}
            </section>
          )}
        </>
      )}
    </>
  );
}
