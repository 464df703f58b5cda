// The 2013 single-file format (.cff): the CFG, INF, HDR and DAT contents one after the other,
// each after a header line "--- file type: CFG ---", "--- file type: DAT BINARY: 12345 ---"
// (type and byte count of the data). The file is split on raw bytes so a binary DAT section
// stays intact. Header lines that miss the colon or a dash (seen in real files) are accepted.
import { ComtradeFormatError } from "./formatError.ts";
import type { DataFormat } from "./types.ts";

export interface CffSection {
  kind: "CFG" | "INF" | "HDR" | "DAT";
  /** DAT only: the type and byte count written in its header, if any. */
  dataFormat?: DataFormat;
  byteCount?: number;
  bytes: Uint8Array;
  /** 1-based line in the .cff of the section's first content line. */
  firstLine: number;
}

const HEADER = /^\s*-{2,}\s*file\s*type\s*:?\s*(CFG|INF|HDR|DAT)(?:\s+(ASCII|BINARY32|BINARY|FLOAT32))?\s*(?::\s*(\d+))?\s*-{2,}\s*$/i;

export function splitCff(bytes: Uint8Array, file: string, warn: (w: string) => void): Map<CffSection["kind"], CffSection> {
  const sections = new Map<CffSection["kind"], CffSection>();
  let pos = 0, line = 1;
  let current: { kind: CffSection["kind"]; fmt?: DataFormat; count?: number; start: number; firstLine: number } | undefined;
  const close = (end: number): void => {
    if (!current) return;
    sections.set(current.kind, {
      kind: current.kind,
      dataFormat: current.fmt,
      byteCount: current.count,
      bytes: bytes.subarray(current.start, end),
      firstLine: current.firstLine,
    });
  };
  while (pos < bytes.length) {
    let eol = bytes.indexOf(0x0a, pos);
    if (eol < 0) eol = bytes.length;
    // Header lines are short ASCII; decode only candidates.
    if (eol - pos < 80 && bytes[pos] !== undefined && (bytes[pos] === 0x2d || bytes[pos] === 0x20)) {
      const text = Buffer.from(bytes.subarray(pos, eol)).toString("latin1").replace(/\r$/, "");
      const m = HEADER.exec(text);
      if (m) {
        close(pos);
        const kind = m[1]!.toUpperCase() as CffSection["kind"];
        if (sections.has(kind)) throw new ComtradeFormatError(file, line, `second '${kind}' section`);
        const canonical = kind === "DAT" ? /^--- file type: DAT (ASCII|BINARY|BINARY32|FLOAT32)(: \d+)? ---$/i : new RegExp(`^--- file type: ${kind} ---$`, "i");
        if (!canonical.test(text.trim())) warn(`${file}:${line}: section header '${text.trim()}' is not in the form '--- file type: ${kind}${kind === "DAT" ? " <type>: <bytes>" : ""} ---'`);
        current = {
          kind,
          fmt: m[2] ? (m[2].toUpperCase() as DataFormat) : undefined,
          count: m[3] !== undefined ? Number(m[3]) : undefined,
          start: Math.min(eol + 1, bytes.length),
          firstLine: line + 1,
        };
        pos = eol + 1;
        line++;
        if (kind === "DAT" && current.count !== undefined && current.fmt && current.fmt !== "ASCII") {
          // Binary data may contain 0x0A and even header-like bytes: take the declared length.
          const end = current.start + current.count;
          if (end > bytes.length) throw new ComtradeFormatError(file, line - 1, `DAT section declares ${current.count} bytes but only ${bytes.length - current.start} follow`);
          close(end);
          current = undefined;
          pos = end;
        }
        continue;
      }
    }
    if (!current) {
      if (Buffer.from(bytes.subarray(pos, eol)).toString("latin1").trim() !== "") throw new ComtradeFormatError(file, line, "expected a section header '--- file type: CFG ---'");
    }
    pos = eol + 1;
    line++;
  }
  close(bytes.length);
  if (!sections.has("CFG")) throw new ComtradeFormatError(file, undefined, "no CFG section ('--- file type: CFG ---')");
  if (!sections.has("DAT")) throw new ComtradeFormatError(file, undefined, "no DAT section ('--- file type: DAT ASCII ---' or BINARY/BINARY32/FLOAT32 with a byte count)");
  return sections;
}
