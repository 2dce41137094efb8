import { useMutation } from "@tanstack/react-query";
import { ApiError, csrfToken, type Schemas } from "../../../api/client";


/**
 * Uploads the file as multipart form data. XMLHttpRequest rather than fetch, because only it
 * reports upload progress.
 */
export function uploadImport(file: File, onProgress: (fraction: number) => void): Promise<Schemas["Import"]> {
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
    form.append("file", file);
    xhr.send(form);
  });
}

export function useUploadImport(onProgress: (fraction: number) => void) {
  // The review then loads the rows with errors first (the upload answers them in file order).
  return useMutation({ mutationFn: (file: File) => uploadImport(file, onProgress) });
}
