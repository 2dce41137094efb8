import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { describe, expect, it } from "vitest";
import { FileDropZone, formatSize } from "./FileDropZone";

function Picker() {
  const [file, setFile] = useState<File | null>(null);
  return <FileDropZone file={file} onFile={setFile} accept={{ "text/csv": [".csv"] }} label="Choose a CSV file or drop it here" />;
}

describe("the file drop zone", () => {
  it("shows the chosen file's name and size, and removes it", async () => {
    render(<Picker />);
    const file = new File(["email\nada@example.com\n"], "people.csv", { type: "text/csv" });
    await userEvent.upload(screen.getByLabelText("Choose a CSV file or drop it here"), file);
    expect(await screen.findByText("people.csv")).toBeInTheDocument();
    expect(screen.getByText("22 B")).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Remove people.csv" }));
    expect(screen.queryByText("people.csv")).not.toBeInTheDocument();
    expect(screen.getByLabelText("Choose a CSV file or drop it here")).toBeInTheDocument();
  });

  it("writes sizes as people read them", () => {
    expect(formatSize(512)).toBe("512 B");
    expect(formatSize(8_400)).toBe("8.4 kB");
    expect(formatSize(9_800_000)).toBe("9.8 MB");
  });
});
