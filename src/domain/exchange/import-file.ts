import type { PrismaClient } from "../../generated/prisma/client.ts";
import type { Actor } from "../actor.ts";
import { readCsv } from "./csv.ts";
import { importRows, type ImportResult } from "./import.ts";
import { COLUMNS, REQUIRED_COLUMNS, type ExchangeKind } from "./kinds.ts";

export interface ImportFileResult extends Omit<ImportResult, "kind"> {
  kind: ExchangeKind | null;
  /** The kind's optional columns the file does not have, when it matches records: they keep theirs. */
  kept?: string[];
}

/**
 * Imports a CSV file's text (kam import, a file uploaded in chat): the file's own problems (an
 * unknown column, a cell that is no number) and the rows' together, in line order; any of them
 * and nothing is written.
 */
export async function importFile(
  db: PrismaClient,
  actor: Actor,
  text: string,
  options: { kind?: ExchangeKind; dryRun: boolean } & Pick<Parameters<typeof importRows>[4], "expect" | "alsoWrite" | "timings">,
): Promise<ImportFileResult> {
  const parseStart = performance.now();
  const file = readCsv(text, options.kind ? { kind: options.kind } : {});
  if (options.timings) options.timings.parse = Math.round(performance.now() - parseStart);
  if (!file.kind) return { kind: null, created: 0, changed: 0, unchanged: 0, errors: file.errors, refs: [], dryRun: options.dryRun };
  const result = await importRows(db, actor, file.kind, file.rows, {
    dryRun: options.dryRun || file.errors.length > 0,
    ...(options.expect ? { expect: options.expect } : {}),
    ...(options.alsoWrite ? { alsoWrite: options.alsoWrite } : {}),
    ...(options.timings ? { timings: options.timings } : {}),
  });
  // A cell the file layer could not read is left out of its row: the row's "missing" is the same problem.
  const told = new Set(file.errors.map((e) => `${e.line}:${e.field}`));
  const errors = [...file.errors, ...result.errors.filter((e) => !told.has(`${e.line}:${e.field}`))].sort((a, b) => a.line - b.line);
  const kind = file.kind;
  // Prices without price_from are whole-term prices (README): that column is not kept, it is given.
  const given = (c: string) => file.columns.includes(c) || REQUIRED_COLUMNS[kind].includes(c) || (c === "price_from" && file.columns.includes("price"));
  const kept = result.changed + result.unchanged > 0 ? COLUMNS[kind].filter((c) => !given(c)) : [];
  return { ...result, errors, dryRun: options.dryRun, ...(kept.length ? { kept } : {}) };
}
