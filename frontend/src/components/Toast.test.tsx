import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { ToastProvider, useToast } from "./Toast";

function Trigger() {
  const toast = useToast();
  let n = 0;
  return (
    <>
      <button type="button" onClick={() => toast(`Invitation ${++n} sent`)}>
        Send
      </button>
      <button type="button" onClick={() => toast("Could not cancel", "error")}>
        Fail
      </button>
    </>
  );
}

describe("toasts", () => {
  it("are announced and closed by their dismiss button", async () => {
    render(
      <ToastProvider>
        <Trigger />
      </ToastProvider>,
    );
    await userEvent.click(screen.getByRole("button", { name: "Send" }));
    expect(screen.getAllByText("Invitation 1 sent").length).toBeGreaterThan(0);
    // Radix announces the text through its own live region as well as showing it.
    expect(screen.getByRole("region", { name: /Notification/ })).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Dismiss" }));
    expect(screen.queryByRole("button", { name: "Dismiss" })).not.toBeInTheDocument();
  });

  it("stack at most three, the oldest giving way", async () => {
    render(
      <ToastProvider>
        <Trigger />
      </ToastProvider>,
    );
    for (let i = 0; i < 4; i++) await userEvent.click(screen.getByRole("button", { name: "Send" }));
    await userEvent.click(screen.getByRole("button", { name: "Fail" }));
    expect(screen.getAllByRole("button", { name: "Dismiss" })).toHaveLength(3);
    expect(screen.getAllByText("Could not cancel").length).toBeGreaterThan(0);
  });
});
