import { createRequire } from "node:module";
import type { ImportError } from "./context.ts";
import {
  COLUMNS, DAY_COLUMNS, ENUM_COLUMNS, EXCHANGE_KINDS, GERMAN_HEADERS, INSTANT_COLUMNS, NUMBER_COLUMNS, REQUIRED_COLUMNS, type ExchangeKind,
} from "./kinds.ts";

/**
 * CSV files in and out. A file's delimiter (`,`, `;` or tab) is read from its header line and its
 * decimal separator from its number cells (by the file, never guessed cell by cell); dates come as
 * `2026-12-31` or `31.12.2026`; headers in English or German; UTF-8 with or without a BOM. What
 * comes out are canonical rows (kinds.ts), validated by the import like the API's JSON.
 */
export interface ReadCsv {
  kind: ExchangeKind | null;
  /** The kind's columns the header has (German names read as the English ones). */
  columns: string[];
  rows: { line: number; values: Record<string, unknown> }[];
  errors: ImportError[];
  delimiter: string;
  decimal: "." | ",";
}

// csv-parse and csv-stringify (some 30 ms of modules) load with the first file read or written,
// not with every command that merely could (`kam chat -c help` loads this module).
const require = createRequire(import.meta.url);
const parse = () => (require("csv-parse/sync") as typeof import("csv-parse/sync")).parse;
const stringify = () => (require("csv-stringify/sync") as typeof import("csv-stringify/sync")).stringify;

/** Spellings of enumeration cells beside the canonical lower-case words. */
const ENUM_ALIASES: Record<string, string> = {
  niedrig: "low", hoch: "high", dringend: "urgent", monat: "month", quartal: "quarter", jahr: "year",
  erhalten: "received", eingegangen: "received", bestätigt: "confirmed", bestaetigt: "confirmed", in_produktion: "in_production",
  versandt: "shipped", versendet: "shipped", geliefert: "delivered", berechnet: "invoiced", fakturiert: "invoiced", storniert: "cancelled",
  canceled: "cancelled", international: "international", regional: "regional",
  geplant: "planned", durchgeführt: "done", durchgefuehrt: "done", erledigt: "done", abgesagt: "cancelled",
  läuft: "running", laeuft: "running", laufend: "running", beendet: "ended",
};

export function normalizeHeader(header: string): string {
  const key = header.replace(/^\uFEFF/, "").trim().toLowerCase().replace(/[\s-]+/g, "_");
  return GERMAN_HEADERS[key] ?? key;
}

function detectDelimiter(text: string): string {
  const firstLine = text.replace(/^\uFEFF/, "").split(/\r?\n/, 1)[0] ?? "";
  const outside = firstLine.replace(/"[^"]*"/g, "");
  const counts = [",", ";", "\t"].map((d) => [d, outside.split(d).length - 1] as const);
  return counts.reduce((best, c) => (c[1] > best[1] ? c : best))[0];
}

/** The kind whose columns hold every header given and that has all its required columns. */
export function detectKind(headers: string[]): ExchangeKind | null {
  const fits = EXCHANGE_KINDS.filter(
    (k) => headers.every((h) => COLUMNS[k].includes(h)) && REQUIRED_COLUMNS[k].every((c) => headers.includes(c)),
  );
  return fits.length === 1 ? fits[0]! : (fits.sort((a, b) => COLUMNS[a].length - COLUMNS[b].length)[0] ?? null);
}

/** `.` or `,`: a cell with both separators, or with one not followed by exactly three digits, decides. */
function detectDecimal(cells: string[], delimiter: string): { decimal: "." | ","; conflict?: number } {
  let comma = -1;
  let point = -1;
  cells.forEach((cell, i) => {
    const c = cell.replace(/[\s\u00a0']/g, "");
    const lastComma = c.lastIndexOf(",");
    const lastPoint = c.lastIndexOf(".");
    if (lastComma >= 0 && lastPoint >= 0) {
      if (lastComma > lastPoint) comma = comma < 0 ? i : comma;
      else point = point < 0 ? i : point;
    } else if (lastComma >= 0 && !/^-?\d{1,3}(,\d{3})+$/.test(c)) comma = comma < 0 ? i : comma;
    else if (lastPoint >= 0 && !/^-?\d{1,3}(\.\d{3})+$/.test(c)) point = point < 0 ? i : point;
  });
  if (comma >= 0 && point >= 0) return { decimal: delimiter === ";" ? "," : ".", conflict: Math.max(comma, point) };
  if (comma >= 0) return { decimal: "," };
  if (point >= 0) return { decimal: "." };
  return { decimal: delimiter === ";" ? "," : "." };
}

function readNumber(cell: string, decimal: "." | ","): number | null {
  const group = decimal === "," ? "." : ",";
  const c = cell.replace(/[\s\u00a0']/g, "");
  const pattern = decimal === "," ? /^-?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?$/ : /^-?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$/;
  if (!pattern.test(c)) return null;
  return Number(c.split(group).join("").replace(decimal, "."));
}

function pad(n: string): string {
  return n.padStart(2, "0");
}

function readDay(cell: string): string | null {
  const c = cell.trim();
  const german = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(c);
  const day = german ? `${german[3]}-${pad(german[2]!)}-${pad(german[1]!)}` : c;
  return isCalendarDay(day) ? day : null;
}

/** limits.isoDay's test without zod: this runs for every day cell of a file of 100,000 rows. */
function isCalendarDay(day: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return false;
  const date = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(day);
}

function readInstant(cell: string): string | null {
  const c = cell.trim();
  const iso = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2}))?(\.\d+)?(Z|[+-]\d{2}:?\d{2})?)?$/i.exec(c);
  const german = /^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:,?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(c);
  if (iso) {
    const zone = iso[6] ? (iso[6].toUpperCase() === "Z" ? "Z" : iso[6].replace(/^([+-]\d{2})(\d{2})$/, "$1:$2")) : "";
    // Milliseconds kept: export writes them (a case opened in chat), and the round trip changes nothing.
    return `${iso[1]}T${pad(iso[2] ?? "0")}:${iso[3] ?? "00"}:${iso[4] ?? "00"}${iso[4] ? (iso[5] ?? "") : ""}${zone}`;
  }
  if (german) return `${german[3]}-${pad(german[2]!)}-${pad(german[1]!)}T${pad(german[4] ?? "0")}:${german[5] ?? "00"}:${german[6] ?? "00"}`;
  return null;
}

const OPTIONS = { bom: true, skip_empty_lines: true, relax_column_count: true, trim: true } as const;

/**
 * The file's records with the line each starts on. csv-parse's `info` costs a third of the parse
 * (an object per record); a file without quotes has one record per non-empty line, so its lines
 * are counted here instead, and checked against the records (else `info` tells them).
 */
function parseRecords(text: string, delimiter: string): { record: string[]; info: { lines: number } }[] {
  if (!text.includes('"') && !/^[ \t]+\r?$/m.test(text)) {
    const records = parse()(text, { ...OPTIONS, delimiter }) as string[][];
    const lines: number[] = [];
    let line = 1;
    let start = 0;
    for (;;) {
      const end = text.indexOf("\n", start);
      const stop = end < 0 ? text.length : end;
      const length = stop - start - (stop > start && text.charCodeAt(stop - 1) === 13 ? 1 : 0);
      if (length > 0 && !(line === 1 && length === 1 && text.charCodeAt(0) === 0xfeff)) lines.push(line);
      if (end < 0) break;
      start = end + 1;
      line += 1;
    }
    if (lines.length === records.length) return records.map((record, i) => ({ record, info: { lines: lines[i]! } }));
  }
  return parse()(text, { ...OPTIONS, delimiter, info: true }) as unknown as { record: string[]; info: { lines: number } }[];
}

/**
 * A file's bytes as text: UTF-8 (with or without a BOM), else Windows-1252, what Excel's
 * "CSV" (not "CSV UTF-8") writes in Germany and Western Europe, so that "Südhafen" stays Südhafen.
 */
export function decodeCsv(bytes: Uint8Array): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder("windows-1252").decode(bytes);
  }
}

/** Reads a CSV file's text into canonical rows of one kind (given, or told by the header). */
export function readCsv(text: string, options: { kind?: ExchangeKind } = {}): ReadCsv {
  const delimiter = detectDelimiter(text);
  const errors: ImportError[] = [];
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parseRecords(text, delimiter);
  } catch (error) {
    const line = Number((error as { lines?: number }).lines ?? 1);
    return { kind: options.kind ?? null, columns: [], rows: [], errors: [{ line, key: "import.unreadable", params: { reason: (error as Error).message.slice(0, 200) } }], delimiter, decimal: "." };
  }
  const [head, ...body] = records;
  if (!head) return { kind: options.kind ?? null, columns: [], rows: [], errors: [{ line: 1, key: "import.empty", params: {} }], delimiter, decimal: "." };
  const headers = head.record.map(normalizeHeader);
  const kind = options.kind ?? detectKind(headers);
  if (!kind) return { kind: null, columns: [], rows: [], errors: [{ line: 1, key: "import.unknownKind", params: { headers: headers.join(", ") } }], delimiter, decimal: "." };
  headers.forEach((h, i) => {
    if (!COLUMNS[kind].includes(h)) errors.push({ line: 1, field: head.record[i]!, key: "import.unknownColumn", params: { column: head.record[i]!, columns: COLUMNS[kind].join(", ") } });
    else if (headers.indexOf(h) !== i) errors.push({ line: 1, field: h, key: "import.duplicateColumn", params: { column: head.record[i]! } });
  });
  for (const c of REQUIRED_COLUMNS[kind]) if (!headers.includes(c)) errors.push({ line: 1, field: c, key: "import.missingColumn", params: { column: c } });

  const numberCells: string[] = [];
  const cellLines: number[] = [];
  const numberColumns = headers.flatMap((h, i) => (NUMBER_COLUMNS.has(h) ? [i] : []));
  for (const r of body) {
    for (const i of numberColumns) {
      const cell = r.record[i];
      if (cell) {
        numberCells.push(cell);
        cellLines.push(r.info.lines);
      }
    }
  }
  const { decimal, conflict } = detectDecimal(numberCells, delimiter);
  if (conflict !== undefined) errors.push({ line: cellLines[conflict]!, key: "import.mixedDecimals", params: { cell: numberCells[conflict]! } });

  // What each column's cells are read as, decided once; a day seen before is not checked again.
  const days = new Map<string, string | null>();
  const readers = headers.map((h): ((cell: string) => unknown) | null => {
    if (!COLUMNS[kind].includes(h)) return null;
    if (NUMBER_COLUMNS.has(h)) return (cell) => readNumber(cell, decimal);
    if (DAY_COLUMNS.has(h)) {
      return (cell) => {
        let d = days.get(cell);
        if (d === undefined) days.set(cell, (d = readDay(cell)));
        return d;
      };
    }
    if (INSTANT_COLUMNS.has(h)) return readInstant;
    if (ENUM_COLUMNS.has(h)) {
      return (cell) => {
        const word = cell.toLowerCase().replace(/[\s-]+/g, "_");
        return ENUM_ALIASES[word] ?? word;
      };
    }
    return unescapeFormula;
  });
  const problem = headers.map((h) => (NUMBER_COLUMNS.has(h) ? "import.notANumber" : "import.notADate"));
  const rows: ReadCsv["rows"] = [];
  for (const r of body) {
    const line = r.info.lines;
    const record = r.record;
    if (record.length > headers.length && record.slice(headers.length).some((c) => c !== "")) {
      errors.push({ line, key: "import.tooManyCells", params: { count: record.length, columns: headers.length } });
      continue;
    }
    const values: Record<string, unknown> = {};
    for (let i = 0; i < headers.length; i++) {
      const cell = record[i];
      const read = readers[i];
      if (!read) continue;
      // An empty cell clears an optional field; a column the file does not have keeps it (kinds.ts).
      if (!cell) {
        values[headers[i]!] = null;
        continue;
      }
      const value = read(cell);
      if (value === null) errors.push({ line, field: headers[i]!, key: problem[i]!, params: { field: headers[i]!, cell } });
      else values[headers[i]!] = value;
    }
    rows.push({ line, values });
  }
  return { kind, columns: headers.filter((h) => COLUMNS[kind].includes(h)), rows, errors, delimiter, decimal };
}

/**
 * A text a spreadsheet would take for a formula (=, +, -, @, tab or CR first: CSV injection, a
 * case subject written by a customer) is written with an apostrophe in front, as OWASP advises, and
 * read back without it. Apostrophes already in front count in, so that the two are each other's
 * inverse and export → import still changes nothing. Numbers are written as they are.
 */
const FORMULA = /^'*[=+\-@\t\r]/;
const ESCAPED_FORMULA = /^'+[=+\-@\t\r]/;
const escapeFormula = (text: string) => (FORMULA.test(text) ? `'${text}` : text);
const unescapeFormula = (text: string) => (ESCAPED_FORMULA.test(text) ? text.slice(1) : text);

/** Canonical rows as a CSV file (English: `,` and a decimal point), with the documented header. */
export function writeCsv(columns: readonly string[], rows: Record<string, string | number | null>[]): string {
  const cell = (v: string | number | null | undefined) => (v === null || v === undefined ? "" : typeof v === "string" ? escapeFormula(v) : String(v));
  return stringify()(rows.map((r) => columns.map((c) => cell(r[c]))), { header: true, columns: [...columns] });
}

/** The header row of a kind: what `kam import --template <kind>` prints. */
export function templateCsv(kind: ExchangeKind): string {
  return COLUMNS[kind].join(",") + "\n";
}
