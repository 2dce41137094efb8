import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { Menu } from "./Menu";

function setup() {
  const resend = vi.fn();
  const cancel = vi.fn();
  render(
    <Menu
      label="Actions for ada@example.com"
      items={[
        { label: "Resend", onSelect: resend },
        { label: "Cancel", onSelect: cancel },
      ]}
    />,
  );
  return { resend, cancel, button: screen.getByRole("button", { name: "Actions for ada@example.com" }) };
}

describe("the ⋮ menu", () => {
  it("renders its actions outside the table, in a portal at the end of the page", async () => {
    const { button } = setup();
    await userEvent.click(button);
    const menu = screen.getByRole("menu", { name: "Actions for ada@example.com" });
    expect(button.parentElement?.contains(menu)).toBe(false);
    expect(menu.closest("body > div")).not.toBeNull();
  });

  it("opens from the keyboard with focus on the first action", async () => {
    const { button } = setup();
    button.focus();
    await userEvent.keyboard("{Enter}");
    expect(button).toHaveAttribute("aria-expanded", "true");
    expect(screen.getByRole("menuitem", { name: "Resend" })).toHaveFocus();
  });

  it("moves with the arrow keys, wrapping around", async () => {
    const { button } = setup();
    // Opened by pointer, the menu itself has focus; the first arrow reaches the first action.
    await userEvent.click(button);
    await userEvent.keyboard("{ArrowDown}");
    expect(screen.getByRole("menuitem", { name: "Resend" })).toHaveFocus();
    await userEvent.keyboard("{ArrowDown}");
    expect(screen.getByRole("menuitem", { name: "Cancel" })).toHaveFocus();
    await userEvent.keyboard("{ArrowDown}");
    expect(screen.getByRole("menuitem", { name: "Resend" })).toHaveFocus();
    await userEvent.keyboard("{ArrowUp}");
    expect(screen.getByRole("menuitem", { name: "Cancel" })).toHaveFocus();
  });

  it("runs the chosen action and returns focus to the button", async () => {
    const { button, cancel, resend } = setup();
    await userEvent.click(button);
    await userEvent.keyboard("{ArrowDown}{ArrowDown}{Enter}");
    expect(cancel).toHaveBeenCalledOnce();
    expect(resend).not.toHaveBeenCalled();
    expect(screen.queryByRole("menu")).not.toBeInTheDocument();
    expect(button).toHaveFocus();
  });

  it("closes on Escape without acting", async () => {
    const { button, resend, cancel } = setup();
    await userEvent.click(button);
    await userEvent.keyboard("{Escape}");
    expect(screen.queryByRole("menu")).not.toBeInTheDocument();
    expect(button).toHaveFocus();
    expect(resend).not.toHaveBeenCalled();
    expect(cancel).not.toHaveBeenCalled();
  });
});
