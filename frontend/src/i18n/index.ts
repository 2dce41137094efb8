import i18next from "i18next";
import { initReactI18next } from "react-i18next";
import en from "./locales/en";

/**
 * Every user-facing string of the app comes from `locales/<language>.ts`; adding a language is
 * adding one file there (picked up by the glob below). The interface speaks the first of the
 * browser's languages it has, English otherwise; plural rules come from i18next (Intl), and
 * dates and numbers follow the browser's own locale whatever the interface language.
 */
const files = import.meta.glob<{ default: typeof en }>("./locales/*.ts", { eager: true });
const resources = Object.fromEntries(
  Object.entries(files).map(([path, module]) => [path.replace(/^.*\/(.*)\.ts$/, "$1"), { translation: module.default }]),
);

export const i18n = i18next.createInstance();

void i18n.use(initReactI18next).init({
  resources,
  lng: typeof navigator === "undefined" ? "en" : navigator.language,
  fallbackLng: "en",
  interpolation: { escapeValue: false },
  returnNull: false,
});

const numbers = new Intl.NumberFormat(undefined);

/** A number as the browser's locale writes it. */
export const formatNumber = (n: number) => numbers.format(n);
