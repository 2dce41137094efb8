import { useMutation } from "@tanstack/react-query";
import { ApiError, csrfToken, type Schemas } from "../../../api/client";

export type ImportMode = Schemas["ImportMode"];

/** How the file is read: the mode, the admin's column map, a workbook's sheet. */
export type UploadOptions = {
  mode: ImportMode;
  /** `{"file header": "field" | "ignore"}`; absent: the server's reading (or a saved map). */
  columnMap?: Record<string, string>;
  /** Remember `columnMap` for files with the same header. */
  saveColumnMap?: boolean;
  sheet?: string;
};

/** Workbooks the import reads besides CSV, by extension (the server tells them by content). */
export const isWorkbook = (file: File) => /\.(xlsx|xls|ods)$/i.test(file.name);

/**
 * Uploads the file as multipart form data with its options. XMLHttpRequest rather than fetch,
 * because only it reports upload progress.
 */
export function uploadImport(file: File, options: UploadOptions, onProgress: (fraction: number) => void): Promise<Schemas["Import"]> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    // One row only: the review then loads its pages with the errors first, so the upload's own
    // page (in file order) would be read, sent and thrown away.
    xhr.open("POST", "/api/v1/invitation-imports?per_page=1");
    xhr.withCredentials = true;
    const token = csrfToken();
    if (token) xhr.setRequestHeader("X-CSRF-Token", token);
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onload = () => {
      let body: unknown = undefined;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        // Not JSON: reported below as a failure with the status.
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body as Schemas["Import"]);
      else reject(new ApiError(xhr.status, body));
    };
    xhr.onerror = () => reject(new ApiError(0, { error: { message: "The upload failed: check your connection and try again." } }));
    const form = new FormData();
    // The server answers once the header is read and checks the rows in the background; the
    // review follows its progress.
    form.append("background", "true");
    form.append("mode", options.mode);
    if (options.columnMap) form.append("column_map", JSON.stringify(options.columnMap));
    if (options.saveColumnMap) form.append("save_column_map", "true");
    if (options.sheet?.trim()) form.append("sheet", options.sheet.trim());
    form.append("file", file);
    xhr.send(form);
  });
}

export function useUploadImport(onProgress: (fraction: number) => void) {
  return useMutation({
    mutationFn: ({ file, options }: { file: File; options: UploadOptions }) => uploadImport(file, options, onProgress),
  });
}
