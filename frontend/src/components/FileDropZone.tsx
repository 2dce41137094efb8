import { useId } from "react";
import { useDropzone } from "react-dropzone";
import { useTranslation } from "react-i18next";
import { formatNumber } from "../i18n";

type Props = {
  file: File | null;
  onFile: (file: File | null) => void;
  /** What the picker offers, e.g. `{ "text/csv": [".csv"] }`. */
  accept: Record<string, string[]>;
  label: string;
};

/** A file's size as people read it: bytes, kB or MB in the browser's locale. */
export function formatSize(bytes: number): string {
  if (bytes < 1000) return `${formatNumber(bytes)} B`;
  if (bytes < 1_000_000) return `${new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 }).format(bytes / 1000)} kB`;
  return `${new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 }).format(bytes / 1_000_000)} MB`;
}

/**
 * A drop zone (react-dropzone): drop a file, or click or press Enter to choose one. Once a
 * file is chosen it shows its name and size and a button to remove it.
 */
export function FileDropZone({ file, onFile, accept, label }: Props) {
  const { t } = useTranslation();
  const inputId = useId();
  const { getRootProps, getInputProps, isDragActive } = useDropzone({
    accept,
    multiple: false,
    // A file of another kind is still taken: the server says what is wrong with it in words an
    // admin can act on.
    onDrop: (accepted, rejected) => onFile(accepted[0] ?? rejected[0]?.file ?? null),
  });
  if (file) {
    return (
      <div className="dropzone chosen">
        <svg className="file-icon" aria-hidden="true" viewBox="0 0 24 24" width="28" height="28" fill="none" stroke="currentColor" strokeWidth="1.6">
          <path d="M14 3H7a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2V8z" />
          <path d="M14 3v5h5M8.5 13h7M8.5 16.5h7" />
        </svg>
        <div className="file-facts">
          <strong className="file-name">{file.name}</strong>
          <span className="muted">{formatSize(file.size)}</span>
        </div>
        <button type="button" onClick={() => onFile(null)} aria-label={t("dropzone.remove", { name: file.name })}>
          {t("dropzone.removeShort")}
        </button>
      </div>
    );
  }
  return (
    <div {...getRootProps({ className: `dropzone${isDragActive ? " dragging" : ""}` })}>
      <input {...getInputProps({ id: inputId, "aria-label": label })} />
      <span className="dropzone-label" aria-hidden="true">
        {label}
      </span>
      <span className="muted">{isDragActive ? t("dropzone.release") : t("dropzone.hint")}</span>
    </div>
  );
}
