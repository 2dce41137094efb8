import { render, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { Schemas } from "../../../api/client";
import { PreviewTable } from "./PreviewTable";

const values = { email: "", first_name: "", last_name: "", role: "", department: "", group: "" };

const rows: Schemas["ImportRow"][] = [
  { line: 2, valid: true, errors: [], action: "invite", changes: {}, values: { ...values, email: "ada@example.com", department: "Sales" } },
  {
    line: 3,
    valid: false,
    action: "error",
    changes: {},
    values: { ...values, email: "bob@example", role: "lerner", department: "sales" },
    errors: [
      { column: "email", code: "invalid_email", message: '"bob@example" is not a valid email address.' },
      { column: "role", code: "invalid_role", message: 'Role "lerner" is not valid. Use learner, instructor or admin.' },
      { column: "department", code: "not_found", message: 'Department "sales" does not exist. Did you mean "Sales"?', suggestion: "Sales" },
    ],
  },
];

describe("the import preview", () => {
  it("marks valid rows OK", () => {
    render(<PreviewTable rows={rows} />);
    const row = screen.getByRole("row", { name: /ada@example.com/ });
    expect(within(row).getByText("OK")).toBeInTheDocument();
    expect(within(row).getByText("ada@example.com")).not.toHaveAttribute("aria-invalid");
  });

  it("highlights every erroneous cell and lists every problem with its suggestion", () => {
    render(<PreviewTable rows={rows} />);
    const row = screen.getByRole("row", { name: /bob@example/ });
    for (const value of ["bob@example", "lerner", "sales"]) {
      expect(within(row).getByText(value).closest("td")).toHaveAttribute("aria-invalid", "true");
    }
    expect(within(row).getByText('Department "sales" does not exist. Did you mean "Sales"?')).toBeInTheDocument();
    expect(within(row).getAllByRole("listitem")).toHaveLength(3);
  });

  it("shows a likely typo in the address as a hint on a row that stays valid", () => {
    render(
      <PreviewTable
        rows={[
          {
            line: 2,
            valid: true,
            errors: [],
            action: "invite",
            changes: {},
            values: { ...values, email: "bob@gmial.com" },
            warnings: [{ column: "email", code: "possible_typo", message: "Did you mean bob@gmail.com?", suggestion: "bob@gmail.com" }],
          },
        ]}
      />,
    );
    const row = screen.getByRole("row", { name: /bob@gmial.com/ });
    expect(within(row).getByText("OK")).toBeInTheDocument();
    expect(within(row).getByText("Did you mean bob@gmail.com?")).toBeInTheDocument();
  });

  it("shows the line numbers of the file", () => {
    render(<PreviewTable rows={rows} />);
    expect(screen.getByRole("cell", { name: "3" })).toBeInTheDocument();
  });

  it("says empty names will come from single sign-on when the organization uses it", () => {
    const { unmount } = render(<PreviewTable rows={rows} namesFromSso />);
    const row = screen.getByRole("row", { name: /ada@example.com/ });
    expect(within(row).getAllByText("from SSO")).toHaveLength(2);
    unmount();
    render(<PreviewTable rows={rows} />);
    expect(screen.queryByText("from SSO")).not.toBeInTheDocument();
  });
});
