import * as RadixDialog from "@radix-ui/react-dialog";
import { useState, type ReactNode } from "react";

type Props = {
  title: string;
  onClose: () => void;
  children: ReactNode;
  /** For tables: up to 64rem wide instead of the form width. */
  wide?: boolean;
};

/**
 * A modal dialog (Radix Dialog), shown while it is rendered: in a portal above the page, focus
 * moved in and kept inside, Escape or a click outside closes, focus returns on close.
 */
export function Dialog({ title, onClose, children, wide }: Props) {
  // Radix gives focus back to its own trigger; these dialogs are opened by page state, so they
  // remember what had focus when they opened.
  const [opener] = useState(focusedOpener);
  return (
    <RadixDialog.Root open onOpenChange={(open) => !open && onClose()}>
      <RadixDialog.Portal>
        <RadixDialog.Overlay className="backdrop" />
        <RadixDialog.Content
          className={wide ? "dialog wide-dialog" : "dialog"}
          aria-describedby={undefined}
          onCloseAutoFocus={(event) => {
            event.preventDefault();
            if (opener?.isConnected) opener.focus();
          }}
        >
          <RadixDialog.Title>{title}</RadixDialog.Title>
          {children}
        </RadixDialog.Content>
      </RadixDialog.Portal>
    </RadixDialog.Root>
  );
}

/** What had focus when the dialog opened; for an action of a ⋮ menu, the menu's button. */
function focusedOpener(): HTMLElement | null {
  const active = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  const menu = active?.closest('[role="menu"]');
  const trigger = menu?.getAttribute("aria-labelledby");
  return (trigger && document.getElementById(trigger)) || active;
}
