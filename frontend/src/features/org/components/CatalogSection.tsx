import { useState } from "react";
import { ApiError } from "../../../api/client";
import { Dialog } from "../../../components/Dialog";
import { useToast } from "../../../components/Toast";
import { useCatalog, type CatalogKind } from "../api/catalog";
import { useCreateEntry } from "../api/create-entry";
import { useDeleteEntry } from "../api/delete-entry";
import { useRenameEntry } from "../api/rename-entry";

const LABELS: Record<CatalogKind, { title: string; one: string }> = {
  departments: { title: "Departments", one: "department" },
  groups: { title: "User groups", one: "group" },
};

/** List, create, rename and delete the names invitations and CSV rows must match. */
export function CatalogSection({ kind }: { kind: CatalogKind }) {
  const { title, one } = LABELS[kind];
  const entries = useCatalog(kind);
  const create = useCreateEntry(kind);
  const rename = useRenameEntry(kind);
  const remove = useDeleteEntry(kind);
  const toast = useToast();
  const [name, setName] = useState("");
  const [editing, setEditing] = useState<{ id: number; name: string } | null>(null);
  const [deleting, setDeleting] = useState<{ id: number; name: string } | null>(null);
  const createError = create.error instanceof ApiError ? create.error : undefined;
  const renameError = rename.error instanceof ApiError ? rename.error : undefined;
  const headingId = `${kind}-heading`;

  return (
    <section aria-labelledby={headingId}>
      <h2 id={headingId}>{title}</h2>
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate(name, {
            onSuccess: (entry) => {
              toast(`${title.slice(0, -1)} "${entry.name}" created.`);
              setName("");
            },
          });
        }}
      >
        <label htmlFor={`${kind}-new`}>New {one} name</label>
        <input id={`${kind}-new`} value={name} onChange={(e) => setName(e.target.value)} aria-invalid={Boolean(createError)} />
        <button type="submit">Add {one}</button>
        {createError && (
          <p role="alert" className="field-error">
            {createError.message}
          </p>
        )}
      </form>
      <ul className="catalog">
        {entries.data?.map((entry) => (
          <li key={entry.id}>
            <span>{entry.name}</span>
            <button type="button" onClick={() => setEditing({ id: entry.id, name: entry.name })} aria-label={`Rename ${entry.name}`}>
              Rename
            </button>
            <button type="button" onClick={() => setDeleting(entry)} aria-label={`Delete ${entry.name}`}>
              Delete
            </button>
          </li>
        ))}
      </ul>
      {entries.data?.length === 0 && <p className="empty">No {kind} yet.</p>}
      {editing && (
        <Dialog title={`Rename ${one}`} onClose={() => setEditing(null)}>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              rename.mutate(editing, { onSuccess: () => setEditing(null) });
            }}
          >
            <label htmlFor={`${kind}-rename`}>Name</label>
            <input id={`${kind}-rename`} value={editing.name} onChange={(e) => setEditing({ ...editing, name: e.target.value })} />
            {renameError && <p className="field-error">{renameError.message}</p>}
            <div className="actions">
              <button type="button" onClick={() => setEditing(null)}>
                Cancel
              </button>
              <button type="submit" className="primary">
                Save
              </button>
            </div>
          </form>
        </Dialog>
      )}
      {deleting && (
        <Dialog title={`Delete ${one} "${deleting.name}"?`} onClose={() => setDeleting(null)}>
          <p>Members and pending invitations in it will be left without a {one}.</p>
          <div className="actions">
            <button type="button" onClick={() => setDeleting(null)}>
              Keep it
            </button>
            <button type="button" className="danger" onClick={() => remove.mutate(deleting.id, { onSuccess: () => setDeleting(null) })}>
              Delete
            </button>
          </div>
        </Dialog>
      )}
    </section>
  );
}
