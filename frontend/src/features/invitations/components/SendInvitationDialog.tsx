import { useState } from "react";
import { Trans, useTranslation } from "react-i18next";
import { Link } from "react-router";
import { ApiError } from "../../../api/client";
import { useReactivateMember } from "../../../api/members";
import { Dialog } from "../../../components/Dialog";
import { EmailTypoHint, likelyAddress } from "../../../components/EmailTypoHint";
import { Field } from "../../../components/Field";
import { formatDateTime } from "../../../components/format";
import { useToast } from "../../../components/Toast";
import { useCourses, useDepartments, useGroups } from "../api/list-options";
import { useResendInvitation } from "../api/resend-invitation";
import { useSendInvitation } from "../api/send-invitation";

/** Admin → People → Invitations → Send invitations. */
export function SendInvitationDialog({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const [email, setEmail] = useState("");
  const [role, setRole] = useState("learner");
  const [department, setDepartment] = useState("");
  const [group, setGroup] = useState("");
  const [courseIds, setCourseIds] = useState<number[]>([]);
  const [later, setLater] = useState(false);
  const [sendAt, setSendAt] = useState("");
  const departments = useDepartments();
  const groups = useGroups();
  const courses = useCourses();
  const send = useSendInvitation();
  const resend = useResendInvitation();
  const toast = useToast();
  const error = send.error instanceof ApiError ? send.error : undefined;
  const typo = likelyAddress(email);
  const pendingId = error?.code === "invitation_already_pending" ? error.invitationId : undefined;
  const deactivatedId = error?.code === "member_deactivated" ? error.memberId : undefined;
  const reactivate = useReactivateMember();

  return (
    <Dialog title={t("send.title")} onClose={onClose}>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          // The picker's local time, sent with the browser's offset (the admin's time zone).
          const scheduled = later && sendAt ? new Date(sendAt).toISOString() : null;
          send.mutate(
            { email, role, department: department || null, group: group || null, course_ids: courseIds, send_at: scheduled },
            {
              onSuccess: (invitation) => {
                toast(
                  invitation.send_at
                    ? t("send.scheduled", { email: invitation.email, date: formatDateTime(invitation.send_at) })
                    : t("send.sent", { email: invitation.email }),
                );
                onClose();
              },
            },
          );
        }}
      >
        {error && !error.details.length && (
          <div role="alert" className="alert">
            <p>{error.message}</p>
            {pendingId !== undefined && (
              <button
                type="button"
                onClick={() =>
                  resend.mutate(pendingId, {
                    onSuccess: (invitation) => {
                      toast(t("invitations.resent", { email: invitation.email }));
                      onClose();
                    },
                  })
                }
              >
                {t("send.resendPending")}
              </button>
            )}
            {deactivatedId !== undefined && (
              <button
                type="button"
                disabled={reactivate.isPending}
                onClick={() =>
                  reactivate.mutate(deactivatedId, {
                    onSuccess: (member) => {
                      toast(t("send.reactivated", { email: member.email }));
                      onClose();
                    },
                  })
                }
              >
                {t("send.reactivateMember")}
              </button>
            )}
          </div>
        )}
        <Field label={t("send.email")} error={error?.field("email")?.message}>
          {(p) => <input {...p} type="email" value={email} onChange={(e) => setEmail(e.target.value)} required autoComplete="off" />}
        </Field>
        <EmailTypoHint suggestion={typo} onAccept={setEmail} />
        <Field label={t("send.role")} error={error?.field("role")?.message}>
          {(p) => (
            <select {...p} value={role} onChange={(e) => setRole(e.target.value)}>
              <option value="learner">{t("roles.learner")}</option>
              <option value="instructor">{t("roles.instructor")}</option>
              <option value="admin">{t("roles.admin")}</option>
            </select>
          )}
        </Field>
        {departments.data?.length === 0 && groups.data?.length === 0 ? (
          <p className="hint empty-choice">
            <Trans i18nKey="send.noDepartments" components={{ orgLink: <Link to="/admin/org" /> }} />
          </p>
        ) : (
          <>
            <Field label={t("send.department")} error={error?.field("department")?.message}>
              {(p) => (
                <select {...p} value={department} onChange={(e) => setDepartment(e.target.value)}>
                  <option value="">{t("send.noDepartment")}</option>
                  {departments.data?.map((d) => (
                    <option key={d.id} value={d.name}>
                      {d.name}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label={t("send.group")} error={error?.field("group")?.message}>
              {(p) => (
                <select {...p} value={group} onChange={(e) => setGroup(e.target.value)}>
                  <option value="">{t("send.noGroup")}</option>
                  {groups.data?.map((g) => (
                    <option key={g.id} value={g.name}>
                      {g.name}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          </>
        )}
        {courses.data?.length === 0 && (
          <p className="hint empty-choice">
            <Trans i18nKey="send.noCourses" components={{ coursesLink: <Link to="/admin/org/courses" /> }} />
          </p>
        )}
        {Boolean(courses.data?.length) && (
          <fieldset>
            <legend>{t("send.courses")}</legend>
            {courses.data?.map((c) => (
              <label key={c.id} className="check">
                <input
                  type="checkbox"
                  checked={courseIds.includes(c.id)}
                  onChange={(e) => setCourseIds((ids) => (e.target.checked ? [...ids, c.id] : ids.filter((i) => i !== c.id)))}
                />
                {c.title}
              </label>
            ))}
            {error?.field("course_ids") && <p className="field-error">{error.field("course_ids")?.message}</p>}
          </fieldset>
        )}
        <fieldset>
          <legend>{t("send.when")}</legend>
          <label className="check">
            <input type="radio" name="when" checked={!later} onChange={() => setLater(false)} />
            {t("send.now")}
          </label>
          <label className="check">
            <input type="radio" name="when" checked={later} onChange={() => setLater(true)} />
            {t("send.later")}
          </label>
          {later && (
            <Field label={t("send.sendAt")} error={error?.field("send_at")?.message} hint={t("send.sendAtHint", { zone: Intl.DateTimeFormat().resolvedOptions().timeZone })}>
              {(p) => <input {...p} type="datetime-local" value={sendAt} onChange={(e) => setSendAt(e.target.value)} required />}
            </Field>
          )}
        </fieldset>
        <div className="actions">
          <button type="button" onClick={onClose}>
            {t("send.cancel")}
          </button>
          <button type="submit" className="primary" disabled={send.isPending}>
            {send.isPending ? t("send.sending") : later ? t("send.submitScheduled") : t("send.submit")}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
