import { useTranslation } from "react-i18next";
import { useMyEnrollments } from "../api/my-enrollments";

/** The signed-in member's courses. */
export function DashboardPage() {
  const { t } = useTranslation();
  const courses = useMyEnrollments();
  return (
    <main>
      <h1>{t("dashboard.title")}</h1>
      <h2>{t("dashboard.courses")}</h2>
      {courses.isPending && <p>{t("dashboard.loading")}</p>}
      {courses.isError && (
        <p role="alert" className="alert">
          {courses.error.message}
        </p>
      )}
      {courses.data?.length === 0 && <p className="empty">{t("dashboard.none")}</p>}
      <ul className="cards">
        {courses.data?.map((c) => (
          <li key={c.id} className="card">
            <h3>{c.title}</h3>
            {c.description && <p>{c.description}</p>}
          </li>
        ))}
      </ul>
    </main>
  );
}
