import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, type Schemas } from "../../../api/client";
import { useDepartments, useGroups } from "../../../api/catalog-options";
import { Dialog } from "../../../components/Dialog";
import { Field } from "../../../components/Field";
import { useToast } from "../../../components/Toast";
import { useUpdateUser } from "../api/change-user";

const ROLES: Schemas["Role"][] = ["learner", "instructor", "admin"];

/** Names, role, department and groups of a member (a member may be in several groups). */
export function EditMemberDialog({ user, onClose }: { user: Schemas["User"]; onClose: () => void }) {
  const { t } = useTranslation();
  const departments = useDepartments();
  const groups = useGroups();
  const update = useUpdateUser();
  const toast = useToast();
  const [firstName, setFirstName] = useState(user.first_name ?? "");
  const [lastName, setLastName] = useState(user.last_name ?? "");
  const [role, setRole] = useState<Schemas["Role"]>(user.role);
  const [department, setDepartment] = useState(user.department_id ? String(user.department_id) : "");
  const [groupIds, setGroupIds] = useState<number[]>(user.groups.map((g) => g.id));
  const error = update.error instanceof ApiError ? update.error : undefined;
  const label = user.email;

  return (
    <Dialog title={t("users.edit.title", { email: label })} onClose={onClose}>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          update.mutate(
            {
              id: user.id,
              body: {
                first_name: firstName.trim() || null,
                last_name: lastName.trim() || null,
                role,
                department_id: department ? Number(department) : null,
                group_ids: groupIds,
              },
            },
            {
              onSuccess: () => {
                toast(t("users.edit.saved", { email: label }));
                onClose();
              },
            },
          );
        }}
      >
        <Field label={t("users.edit.firstName")} error={error?.field("first_name")?.message}>
          {(p) => <input {...p} value={firstName} onChange={(e) => setFirstName(e.target.value)} maxLength={100} />}
        </Field>
        <Field label={t("users.edit.lastName")} error={error?.field("last_name")?.message}>
          {(p) => <input {...p} value={lastName} onChange={(e) => setLastName(e.target.value)} maxLength={100} />}
        </Field>
        <Field label={t("users.edit.role")} error={error?.field("role")?.message}>
          {(p) => (
            <select {...p} value={role} onChange={(e) => setRole(e.target.value as Schemas["Role"])}>
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {t(`roles.${r}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t("users.edit.department")} error={error?.field("department_id")?.message}>
          {(p) => (
            <select {...p} value={department} onChange={(e) => setDepartment(e.target.value)}>
              <option value="">{t("users.edit.noDepartment")}</option>
              {(departments.data ?? []).map((d) => (
                <option key={d.id} value={d.id}>
                  {d.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <fieldset className="events-picker">
          <legend>{t("users.edit.groups")}</legend>
          {(groups.data ?? []).length === 0 && <p className="hint">{t("users.edit.noGroups")}</p>}
          {(groups.data ?? []).map((g) => (
            <label key={g.id} className="check">
              <input
                type="checkbox"
                checked={groupIds.includes(g.id)}
                onChange={(e) => setGroupIds((ids) => (e.target.checked ? [...ids, g.id] : ids.filter((id) => id !== g.id)))}
              />
              {g.name}
            </label>
          ))}
          {error?.field("group_ids") && <p className="field-error">{error.field("group_ids")?.message}</p>}
        </fieldset>
        {error && error.details.length === 0 && (
          <p role="alert" className="field-error">
            {error.message}
          </p>
        )}
        <div className="actions">
          <button type="button" onClick={onClose}>
            {t("common.cancel")}
          </button>
          <button type="submit" className="primary" disabled={update.isPending}>
            {t("users.edit.save")}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
