import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { describe, expect, it } from "vitest";
import { Dialog } from "./Dialog";

function Page() {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" onClick={() => setOpen(true)}>
        Cancel invitation
      </button>
      {open && (
        <Dialog title="Cancel this invitation?" onClose={() => setOpen(false)}>
          <button type="button">Keep it</button>
          <button type="button">Cancel invitation now</button>
        </Dialog>
      )}
    </>
  );
}

describe("the dialog", () => {
  it("takes focus, keeps it inside, and gives it back on Escape", async () => {
    render(<Page />);
    const opener = screen.getByRole("button", { name: "Cancel invitation" });
    await userEvent.click(opener);
    const dialog = screen.getByRole("dialog", { name: "Cancel this invitation?" });
    expect(dialog).toContainElement(document.activeElement as HTMLElement);
    await userEvent.tab();
    await userEvent.tab();
    await userEvent.tab();
    expect(dialog).toContainElement(document.activeElement as HTMLElement);
    await userEvent.keyboard("{Escape}");
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
    expect(opener).toHaveFocus();
  });
});
