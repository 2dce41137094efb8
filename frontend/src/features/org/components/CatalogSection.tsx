import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError } from "../../../api/client";
import { Dialog } from "../../../components/Dialog";
import { useToast } from "../../../components/Toast";
import { useCatalog, type CatalogKind } from "../api/catalog";
import { useCreateEntry } from "../api/create-entry";
import { useDeleteEntry } from "../api/delete-entry";
import { useRenameEntry } from "../api/rename-entry";

/** List, create, rename and delete the names invitations and CSV rows must match. */
export function CatalogSection({ kind }: { kind: CatalogKind }) {
  const { t } = useTranslation();
  const k = `catalog.${kind}` as const;
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
      <h2 id={headingId}>{t(`${k}.title`)}</h2>
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate(name, {
            onSuccess: (entry) => {
              toast(t(`${k}.created`, { name: entry.name }));
              setName("");
            },
          });
        }}
      >
        <label htmlFor={`${kind}-new`}>{t(`${k}.newName`)}</label>
        <input id={`${kind}-new`} value={name} onChange={(e) => setName(e.target.value)} aria-invalid={Boolean(createError)} />
        <button type="submit">{t(`${k}.add`)}</button>
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
            <button type="button" onClick={() => setEditing({ id: entry.id, name: entry.name })} aria-label={t("catalog.renameNamed", { name: entry.name })}>
              {t("catalog.rename")}
            </button>
            <button type="button" onClick={() => setDeleting(entry)} aria-label={t("catalog.deleteNamed", { name: entry.name })}>
              {t("catalog.delete")}
            </button>
          </li>
        ))}
      </ul>
      {entries.data?.length === 0 && <p className="empty">{t(`${k}.none`)}</p>}
      {editing && (
        <Dialog title={t(`${k}.renameTitle`)} onClose={() => setEditing(null)}>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              rename.mutate(editing, { onSuccess: () => setEditing(null) });
            }}
          >
            <label htmlFor={`${kind}-rename`}>{t("catalog.name")}</label>
            <input id={`${kind}-rename`} value={editing.name} onChange={(e) => setEditing({ ...editing, name: e.target.value })} />
            {renameError && <p className="field-error">{renameError.message}</p>}
            <div className="actions">
              <button type="button" onClick={() => setEditing(null)}>
                {t("send.cancel")}
              </button>
              <button type="submit" className="primary">
                {t("catalog.save")}
              </button>
            </div>
          </form>
        </Dialog>
      )}
      {deleting && (
        <Dialog title={t(`${k}.deleteTitle`, { name: deleting.name })} onClose={() => setDeleting(null)}>
          <p>{t(`${k}.deleteBody`)}</p>
          <div className="actions">
            <button type="button" onClick={() => setDeleting(null)}>
              {t("catalog.keep")}
            </button>
            <button type="button" className="danger" onClick={() => remove.mutate(deleting.id, { onSuccess: () => setDeleting(null) })}>
              {t("catalog.delete")}
            </button>
          </div>
        </Dialog>
      )}
    </section>
  );
}
