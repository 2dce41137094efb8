import { CatalogSection } from "./CatalogSection";

/** Admin → Organization → Departments & groups. */
export function OrgPage() {
  return (
    <main>
      <h1>Departments &amp; groups</h1>
      <p>Invitations and CSV files name these exactly, including capital letters.</p>
      <div className="two-columns">
        <CatalogSection kind="departments" />
        <CatalogSection kind="groups" />
      </div>
    </main>
  );
}
