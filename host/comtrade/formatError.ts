// Errors about a malformed file name the file, the 1-based line (or the record, for binary data)
// and the field, so that a user can open the file at that place and fix it.

export class ComtradeFormatError extends Error {
  readonly file: string;
  readonly line: number | undefined;

  constructor(file: string, line: number | undefined, detail: string) {
    super(line === undefined ? `${file}: ${detail}` : `${file}:${line}: ${detail}`);
    this.name = "ComtradeFormatError";
    this.file = file;
    this.line = line;
  }
}
