import { useTranslation } from "react-i18next";

/** Previous / Next through the pages of a list; nothing when there is only one page. */
export function Pager({ label, page, totalPages, onPage }: { label?: string; page: number; totalPages: number; onPage: (page: number) => void }) {
  const { t } = useTranslation();
  if (totalPages <= 1) return null;
  return (
    <nav aria-label={label ?? t("common.pages")} className="pager">
      <button type="button" disabled={page <= 1} onClick={() => onPage(page - 1)}>
        {t("common.previous")}
      </button>
      <span>{t("common.pageOf", { page, total: totalPages })}</span>
      <button type="button" disabled={page >= totalPages} onClick={() => onPage(page + 1)}>
        {t("common.next")}
      </button>
    </nav>
  );
}
