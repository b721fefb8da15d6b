import type { Actor } from "../actor.ts";
import { minorPerMajor } from "../amounts.ts";
import { MAX_MINOR } from "../limits.ts";
import { DomainError, InvalidInputError } from "../errors.ts";
import type { Tx } from "../tx.ts";

/** One problem of an import: the line it is on (the file's line, or the array index + 1), the field, a message key. */
export interface ImportError {
  line: number;
  field?: string;
  key: string;
  params: Record<string, string | number>;
}

export type Outcome = "created" | "changed" | "unchanged";

/** What an importer did with one row (or one group of rows: an order, a contract): kam's reference. */
export interface ImportRef {
  line: number;
  ref: string;
  outcome: Outcome;
}

export interface ImportContext {
  tx: Tx;
  actor: Actor;
  org: { currency: string; timeZone: string };
  errors: ImportError[];
  refs: ImportRef[];
  counts: Record<Outcome, number>;
  /** When given, receives the milliseconds each stage took (benchmarks). */
  timings?: Record<string, number>;
}

/** Runs one stage of an import, adding its milliseconds to `timings` when given. */
export async function stage<T>(timings: Record<string, number> | undefined, name: string, work: () => Promise<T> | T): Promise<T> {
  if (!timings) return work();
  const start = performance.now();
  try {
    return await work();
  } finally {
    timings[name] = (timings[name] ?? 0) + Math.round(performance.now() - start);
  }
}

export interface Row<T> {
  line: number;
  values: T;
}

/**
 * An optional field of a row, for a record that may exist: a column the file does not have (a
 * field the API object leaves out: undefined) keeps what the record holds, an empty cell (null)
 * clears it. A record not found (`current` undefined) takes the row's value or null.
 */
export function givenOrKept<T>(given: T | null | undefined, current: T | null | undefined): T | null {
  return given === undefined ? (current ?? null) : given;
}

export function record(ctx: ImportContext, line: number, ref: string, outcome: Outcome): void {
  ctx.counts[outcome] += 1;
  ctx.refs.push({ line, ref, outcome });
}

/** An import error from a domain error (an unknown account, a whole quantity…), on its line. */
export function fromDomainError(line: number, error: DomainError, field?: string): ImportError {
  const named = error instanceof InvalidInputError ? error.field : field;
  return { line, ...(named ? { field: named } : {}), key: error.key, params: error.params };
}

/**
 * Runs one row's (or group's) work; a DomainError becomes an error on its line and the import
 * goes on with the next row, so that a file's every problem is listed at once.
 */
export async function onLine(ctx: ImportContext, line: number, field: string | undefined, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    ctx.errors.push(fromDomainError(line, error, field));
  }
}

/**
 * A canonical amount (major units, a JSON number) in minor units of its currency; more decimals
 * than the currency has (1234.56 JPY) are refused on `field`, as chat refuses them, not rounded.
 */
export function toMinor(amount: number, currency: string, field: string): bigint {
  const perMajor = minorPerMajor(currency);
  const digits = Math.round(Math.log10(perMajor));
  // 1e-9 is written in exponent form: far more decimals than any currency has.
  if ((/\.(\d+)$/.exec(String(amount))?.[1]?.length ?? 0) > digits || /e-/i.test(String(amount))) {
    throw new InvalidInputError(field, "usage.amountDecimals", { text: String(amount), currency, decimals: digits });
  }
  const minor = Math.round(amount * perMajor);
  if (minor > MAX_MINOR) throw new InvalidInputError(field, "error.tooLarge", { max: MAX_MINOR / perMajor });
  return BigInt(minor);
}

export function toMajor(minor: bigint | number, currency: string): number {
  return Number(minor) / minorPerMajor(currency);
}

/** Compares optional values the way a row and a record hold them (null and undefined alike). */
export function same(a: unknown, b: unknown): boolean {
  return (a ?? null) === (b ?? null);
}

/**
 * The rows of one record (an order's lines, a contract's prices) repeat the record's own columns:
 * they must agree with the first row. The error names the column and both lines. A field one row
 * leaves out and another clears (API objects) disagree: the first would keep it, the other clear it.
 */
export function requireAgreeing<T extends object>(group: Row<T>[], columns: readonly (keyof T & string)[], key: string, params: Record<string, string | number>): void {
  const [first, ...rest] = group;
  for (const row of rest) {
    const differs = columns.find((c) => row.values[c] !== first!.values[c]);
    if (differs) throw new InvalidInputError(differs, key, { ...params, column: differs, first: first!.line, line: row.line });
  }
}

/** Names the field a lookup failed on (the account, the order, the SKU of a row). */
export async function inField<T>(field: string, work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof DomainError && !(error instanceof InvalidInputError)) throw new InvalidInputError(field, error.key, error.params);
    throw error;
  }
}

/**
 * A record named in a file by kam's own reference (O-12, K-2, C-5: what export writes for records
 * entered in chat, which have no ERP number): its number, or null for an ERP number.
 */
export function kamNumber(ref: string, prefix: string): number | null {
  const m = new RegExp(`^${prefix}-(\\d{1,9})$`, "i").exec(ref.trim());
  return m ? Number(m[1]) : null;
}

/**
 * The record a file's reference names, as one key: kam's references in one spelling (o-2, O-02
 * and O-2 are one order), ERP numbers as written. Rows are grouped and repeats found by it.
 */
export function recordKey(ref: string, prefix: string): string {
  const n = kamNumber(ref, prefix);
  return n === null ? ref.trim() : `${prefix}-${n}`;
}

/**
 * The record already in kam that a file's reference names, from the importer's records keyed by
 * ERP number or kam's reference (`recordKey`); undefined for a new ERP number. kam's own reference
 * of no record is an error on the column named `kind` (order, contract, case, …).
 */
export function existingRecord<T>(existing: Map<string, T>, ref: string, prefix: string, kind: string): T | undefined {
  const found = existing.get(recordKey(ref, prefix));
  if (!found && kamNumber(ref, prefix) !== null) throw new InvalidInputError(kind, "error.notFound", { kind, ref });
  return found;
}
