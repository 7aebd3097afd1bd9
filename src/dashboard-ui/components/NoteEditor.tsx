import { useState } from "react";
import type { Note } from "../../server/dashboard/api-types.js";
import { Markdown } from "./Markdown.js";

/** A Markdown note shown as text, with an editor unless the server is read-only. */
export function NoteEditor(props: {
  note: Note;
  readOnly: boolean;
  save: (text: string, version: number) => Promise<Note>;
}) {
  const [editing, setEditing] = useState<string | null>(null);
  const [saved, setSaved] = useState<Note | null>(null);
  const [error, setError] = useState<string | null>(null);
  // A save newer than the polled note wins until the poll catches up.
  const note = saved !== null && saved.version >= props.note.version ? saved : props.note;
  if (editing !== null) {
    return (
      <div className="note">
        <textarea aria-label="note" value={editing} onChange={(e) => setEditing(e.target.value)} />
        {error !== null && <div className="error">{error}</div>}
        <div className="toolbar">
          <button
            type="button"
            className="primary"
            onClick={async () => {
              try {
                setSaved(await props.save(editing, note.version));
                setEditing(null);
                setError(null);
              } catch (e) {
                setError((e as Error).message);
              }
            }}
          >
            Save
          </button>
          <button type="button" onClick={() => setEditing(null)}>
            Cancel
          </button>
          <span className="muted">
            Markdown: # headings, - lists, **bold**, `code`, [links](https://…)
          </span>
        </div>
      </div>
    );
  }
  return (
    <div className="note">
      {note.text === "" ? <p className="muted">No note.</p> : <Markdown source={note.text} />}
      {!props.readOnly && (
        <button type="button" onClick={() => setEditing(note.text)}>
          Edit note
        </button>
      )}
    </div>
  );
}
