import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { ColumnMapping } from "./ColumnMapping";

const columns = [
  { header: "Work email", field: "email" },
  { header: "Vorname", field: "first_name" },
  { header: "Badge", field: null },
];

describe("the mapping step", () => {
  it("starts from the server's reading, asks for the unknown column, and sends the whole map", async () => {
    const onSubmit = vi.fn();
    render(<ColumnMapping columns={columns} busy={false} onSubmit={onSubmit} />);
    expect(screen.getByLabelText("Work email")).toHaveValue("email");
    expect(screen.getByLabelText("Vorname")).toHaveValue("first_name");
    expect(screen.getByLabelText("Badge")).toHaveValue("");

    await userEvent.click(screen.getByRole("button", { name: "Preview with these columns" }));
    expect(onSubmit).not.toHaveBeenCalled();
    expect(screen.getByText("Choose a field, or ignore this column.")).toBeInTheDocument();

    await userEvent.selectOptions(screen.getByLabelText("Badge"), "ignore");
    await userEvent.click(screen.getByLabelText("Remember this for files with these columns"));
    await userEvent.click(screen.getByRole("button", { name: "Preview with these columns" }));
    expect(onSubmit).toHaveBeenCalledWith({ "Work email": "email", Vorname: "first_name", Badge: "ignore" }, false);
  });

  it("refuses two columns for one field, and a map without an email column", async () => {
    const onSubmit = vi.fn();
    render(<ColumnMapping columns={columns} busy={false} onSubmit={onSubmit} />);
    await userEvent.selectOptions(screen.getByLabelText("Badge"), "first_name");
    await userEvent.click(screen.getByRole("button", { name: "Preview with these columns" }));
    expect(screen.getAllByText("Another column fills First name too: keep one.")).toHaveLength(2);
    await userEvent.selectOptions(screen.getByLabelText("Badge"), "ignore");
    await userEvent.selectOptions(screen.getByLabelText("Work email"), "ignore");
    await userEvent.click(screen.getByRole("button", { name: "Preview with these columns" }));
    expect(screen.getByRole("alert")).toHaveTextContent("One column must be the email address.");
    expect(onSubmit).not.toHaveBeenCalled();
  });
});
