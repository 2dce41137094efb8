import * as RadixToast from "@radix-ui/react-toast";
import { createContext, useCallback, useContext, useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";

type Tone = "success" | "error";
type Toast = { id: number; text: string; tone: Tone };
const ToastContext = createContext<(text: string, tone?: Tone) => void>(() => {});

/** At most this many toasts at once; an older one gives way to a newer one. */
const MOST = 3;

/**
 * Short confirmations (Radix Toast): stacked in the bottom corner, announced to screen readers
 * (errors assertively), closed by their × button, a swipe or Escape (F8 reaches them from the
 * keyboard), and gone after a while unless hovered or focused.
 */
export function ToastProvider({ children }: { children: ReactNode }) {
  const { t: translate } = useTranslation();
  const [toasts, setToasts] = useState<Toast[]>([]);
  const show = useCallback((text: string, tone: Tone = "success") => {
    const id = Date.now() + Math.random();
    setToasts((all) => [...all.slice(-(MOST - 1)), { id, text, tone }]);
  }, []);
  const remove = (id: number) => setToasts((all) => all.filter((t) => t.id !== id));
  return (
    <ToastContext.Provider value={show}>
      <RadixToast.Provider swipeDirection="right" duration={tone_duration("success")} label={translate("common.notifications")}>
        {children}
        {toasts.map((t) => (
          <RadixToast.Root
            key={t.id}
            className={`toast ${t.tone}`}
            type={t.tone === "error" ? "foreground" : "background"}
            duration={tone_duration(t.tone)}
            onOpenChange={(open) => !open && remove(t.id)}
          >
            <RadixToast.Description className="toast-text">{t.text}</RadixToast.Description>
            <RadixToast.Close className="toast-close" aria-label={translate("common.dismiss")}>
              <span aria-hidden="true">×</span>
            </RadixToast.Close>
          </RadixToast.Root>
        ))}
        <RadixToast.Viewport className="toasts" />
      </RadixToast.Provider>
    </ToastContext.Provider>
  );
}

/** Errors stay longer: they usually ask the reader to do something. */
function tone_duration(tone: Tone) {
  return tone === "error" ? 10_000 : 5_000;
}

export const useToast = () => useContext(ToastContext);
