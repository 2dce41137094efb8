import { useMyEnrollments } from "../api/my-enrollments";

/** The signed-in member's courses. */
export function DashboardPage() {
  const courses = useMyEnrollments();
  return (
    <main>
      <h1>Your dashboard</h1>
      <h2>Your courses</h2>
      {courses.isPending && <p>Loading your courses…</p>}
      {courses.isError && (
        <p role="alert" className="alert">
          {courses.error.message}
        </p>
      )}
      {courses.data?.length === 0 && <p className="empty">You are not enrolled in any course yet.</p>}
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
