import { useTranslation } from "react-i18next";
import { CatalogSection } from "./CatalogSection";

/** Admin → Organization → Departments & groups. */
export function OrgPage() {
  const { t } = useTranslation();
  return (
    <main>
      <h1>{t("catalog.title")}</h1>
      <p>{t("catalog.intro")}</p>
      <div className="two-columns">
        <CatalogSection kind="departments" />
        <CatalogSection kind="groups" />
      </div>
    </main>
  );
}
