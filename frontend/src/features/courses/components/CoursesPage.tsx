import { createColumnHelper } from "@tanstack/react-table";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, type Schemas } from "../../../api/client";
import { DataTable } from "../../../components/DataTable";
import { Dialog } from "../../../components/Dialog";
import { Field } from "../../../components/Field";
import { formatDate } from "../../../components/format";
import { Menu } from "../../../components/Menu";
import { useToast } from "../../../components/Toast";
import { formatNumber } from "../../../i18n";
import { useAllCourses, useCreateCourse, useUpdateCourse } from "../api/courses";

type Course = Schemas["Course"];
const column = createColumnHelper<Course>();

/** Title and description of a course, as typed in the create form and the edit dialog. */
function CourseFields({
  titleLabel,
  title,
  description,
  error,
  onTitle,
  onDescription,
}: {
  titleLabel: string;
  title: string;
  description: string;
  error?: ApiError;
  onTitle: (v: string) => void;
  onDescription: (v: string) => void;
}) {
  const { t } = useTranslation();
  return (
    <>
      <Field label={titleLabel} error={error?.field("title")?.message}>
        {(p) => <input {...p} value={title} onChange={(e) => onTitle(e.target.value)} maxLength={200} />}
      </Field>
      <Field label={t("courses.descriptionLabel")} error={error?.field("description")?.message}>
        {(p) => <textarea {...p} value={description} onChange={(e) => onDescription(e.target.value)} rows={2} maxLength={2000} />}
      </Field>
    </>
  );
}

/** Admin → Organization → Courses: the courses invitations pre-assign; create, edit, archive, restore. */
export function CoursesPage() {
  const { t } = useTranslation();
  const courses = useAllCourses();
  const create = useCreateCourse();
  const update = useUpdateCourse();
  // Stable, unlike `update`: columns must not change (and remount their cells) as it runs.
  const updateCourse = update.mutate;
  const toast = useToast();
  const [title, setTitle] = useState("");
  const [description, setDescription] = useState("");
  const [showArchived, setShowArchived] = useState(false);
  const [editing, setEditing] = useState<{ id: number; title: string; description: string } | null>(null);
  const createError = create.error instanceof ApiError ? create.error : undefined;
  const editError = update.error instanceof ApiError ? update.error : undefined;

  const all = courses.data ?? [];
  const archivedCount = all.filter((c) => c.archived_at).length;
  const shown = showArchived ? all : all.filter((c) => !c.archived_at);

  const columns = useMemo(() => {
    const setArchived = (course: Course, archived: boolean) =>
      updateCourse(
        { id: course.id, archived },
        { onSuccess: (c) => toast(t(archived ? "courses.archivedToast" : "courses.restoredToast", { title: c.title })) },
      );
    return [
      column.accessor("title", {
        header: t("courses.columns.title"),
        cell: ({ row: { original: c } }) => (
          <>
            <span className="strong">{c.title}</span>
            {c.description && <p className="hint">{c.description}</p>}
          </>
        ),
      }),
      column.accessor("created_at", {
        header: t("courses.columns.created"),
        cell: (info) => formatDate(info.getValue()),
        meta: { className: "secondary date" },
      }),
      column.accessor("archived_at", {
        header: t("courses.columns.status"),
        cell: (info) =>
          info.getValue() ? (
            <span className="badge">{t("courses.archived")}</span>
          ) : (
            <span className="badge good">{t("courses.active")}</span>
          ),
      }),
      column.display({
        id: "actions",
        header: () => <span className="visually-hidden">{t("courses.columns.actions")}</span>,
        cell: ({ row: { original: c } }) => (
          <Menu
            label={t("common.actionsFor", { name: c.title })}
            items={[
              { label: t("courses.edit"), onSelect: () => setEditing({ id: c.id, title: c.title, description: c.description ?? "" }) },
              c.archived_at
                ? { label: t("courses.restore"), onSelect: () => setArchived(c, false) }
                : { label: t("courses.archive"), onSelect: () => setArchived(c, true) },
            ]}
          />
        ),
      }),
    ];
  }, [t, toast, updateCourse]);

  return (
    <main>
      <h1>{t("courses.title")}</h1>
      <p>{t("courses.intro")}</p>
      <section aria-labelledby="new-course" className="panel">
        <h2 id="new-course">{t("courses.new.heading")}</h2>
        <form
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate(
              { title, description: description.trim() || null },
              {
                onSuccess: (c) => {
                  toast(t("courses.createdToast", { title: c.title }));
                  setTitle("");
                  setDescription("");
                },
              },
            );
          }}
        >
          <CourseFields titleLabel={t("courses.new.titleLabel")} title={title} description={description} error={createError} onTitle={setTitle} onDescription={setDescription} />
          <button type="submit" className="primary" disabled={create.isPending}>
            {t("courses.new.submit")}
          </button>
        </form>
      </section>

      <div className="page-head">
        <h2>{t("courses.count", { count: shown.length, formatted: formatNumber(shown.length) })}</h2>
        {archivedCount > 0 && (
          <label className="check">
            <input type="checkbox" checked={showArchived} onChange={(e) => setShowArchived(e.target.checked)} />
            {t("courses.showArchived", { count: archivedCount, formatted: formatNumber(archivedCount) })}
          </label>
        )}
      </div>
      {courses.isError && <p role="alert" className="alert">{t("common.somethingWrong")}</p>}
      {courses.isSuccess && all.length === 0 ? (
        <div className="empty-state">
          <h2>{t("courses.emptyTitle")}</h2>
          <p>{t("courses.emptyBody")}</p>
        </div>
      ) : (
        <DataTable
          data={shown}
          columns={columns}
          label={t("courses.table")}
          caption={t("courses.title")}
          getRowId={(c) => String(c.id)}
          rowClassName={(c) => (c.archived_at ? "muted-row" : undefined)}
        />
      )}

      {editing && (
        <Dialog title={t("courses.editTitle")} onClose={() => setEditing(null)}>
          <form
            noValidate
            onSubmit={(e) => {
              e.preventDefault();
              update.mutate(
                { id: editing.id, title: editing.title, description: editing.description },
                {
                  onSuccess: (c) => {
                    toast(t("courses.savedToast", { title: c.title }));
                    setEditing(null);
                  },
                },
              );
            }}
          >
            <CourseFields
              titleLabel={t("courses.editFields.titleLabel")}
              title={editing.title}
              description={editing.description}
              error={editError}
              onTitle={(v) => setEditing({ ...editing, title: v })}
              onDescription={(v) => setEditing({ ...editing, description: v })}
            />
            <div className="actions">
              <button type="button" onClick={() => setEditing(null)}>
                {t("send.cancel")}
              </button>
              <button type="submit" className="primary" disabled={update.isPending}>
                {t("courses.save")}
              </button>
            </div>
          </form>
        </Dialog>
      )}
    </main>
  );
}
