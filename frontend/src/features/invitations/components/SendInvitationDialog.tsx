import { useState } from "react";
import { Link } from "react-router";
import { ApiError } from "../../../api/client";
import { Dialog } from "../../../components/Dialog";
import { Field } from "../../../components/Field";
import { useToast } from "../../../components/Toast";
import { useCourses, useDepartments, useGroups } from "../api/list-options";
import { useResendInvitation } from "../api/resend-invitation";
import { useSendInvitation } from "../api/send-invitation";

/** Admin → People → Invitations → Send invitations. */
export function SendInvitationDialog({ onClose }: { onClose: () => void }) {
  const [email, setEmail] = useState("");
  const [role, setRole] = useState("learner");
  const [department, setDepartment] = useState("");
  const [group, setGroup] = useState("");
  const [courseIds, setCourseIds] = useState<number[]>([]);
  const departments = useDepartments();
  const groups = useGroups();
  const courses = useCourses();
  const send = useSendInvitation();
  const resend = useResendInvitation();
  const toast = useToast();
  const error = send.error instanceof ApiError ? send.error : undefined;
  const pendingId = error?.code === "invitation_already_pending" ? error.invitationId : undefined;

  return (
    <Dialog title="Send invitations" onClose={onClose}>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          send.mutate(
            { email, role, department: department || null, group: group || null, course_ids: courseIds },
            {
              onSuccess: (invitation) => {
                toast(`Invitation sent to ${invitation.email}.`);
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
                      toast(`Invitation resent to ${invitation.email}.`);
                      onClose();
                    },
                  })
                }
              >
                Resend the pending invitation
              </button>
            )}
          </div>
        )}
        <Field label="Email address" error={error?.field("email")?.message}>
          {(p) => <input {...p} type="email" value={email} onChange={(e) => setEmail(e.target.value)} required autoComplete="off" />}
        </Field>
        <Field label="Role" error={error?.field("role")?.message}>
          {(p) => (
            <select {...p} value={role} onChange={(e) => setRole(e.target.value)}>
              <option value="learner">Learner</option>
              <option value="instructor">Instructor</option>
              <option value="admin">Admin</option>
            </select>
          )}
        </Field>
        {departments.data?.length === 0 && groups.data?.length === 0 ? (
          <p className="hint empty-choice">
            Departments and user groups sort people for reports and course assignment. Your organization has none yet:{" "}
            <Link to="/admin/org">create them in Departments &amp; groups</Link>, and set them on invitations from then on.
          </p>
        ) : (
          <>
            <Field label="Department (optional)" error={error?.field("department")?.message}>
              {(p) => (
                <select {...p} value={department} onChange={(e) => setDepartment(e.target.value)}>
                  <option value="">No department</option>
                  {departments.data?.map((d) => (
                    <option key={d.id} value={d.name}>
                      {d.name}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label="User group (optional)" error={error?.field("group")?.message}>
              {(p) => (
                <select {...p} value={group} onChange={(e) => setGroup(e.target.value)}>
                  <option value="">No group</option>
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
        {Boolean(courses.data?.length) && (
          <fieldset>
            <legend>Pre-assign courses (optional)</legend>
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
        <div className="actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={send.isPending}>
            {send.isPending ? "Sending…" : "Send invitation"}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
