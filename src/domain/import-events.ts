import { Prisma } from "../generated/prisma/client.ts";

/**
 * An import audits the records it creates in bulk (invoices, by the hundred thousand) with one
 * event, not one per record: the event has no entity, and names the records by their kam numbers,
 * which the import reserved in one consecutive block. A record's history finds it by its number.
 * Changes an import makes to existing records are audited one by one, field by field, as any change.
 */
export type ImportedRange = {
  count: number;
  firstNumber: number;
  lastNumber: number;
};

export function importedRange(firstNumber: number, count: number): ImportedRange {
  return { count, firstNumber, lastNumber: firstNumber + count - 1 };
}

export function isImportedRange(data: unknown): data is ImportedRange {
  const d = data as Partial<ImportedRange> | null;
  return typeof d?.firstNumber === "number" && typeof d.lastNumber === "number" && typeof d.count === "number";
}

export const INVOICE_IMPORT_ACTION = "invoice.import";

/** The models whose imports are audited by range, with the action and the number column. */
export const RANGE_AUDITED: Record<string, { action: string; numberColumn: string; prefix: string }> = {
  Invoice: { action: INVOICE_IMPORT_ACTION, numberColumn: "refNumber", prefix: "I-" },
};

/** "I-7" for one record, "I-7 – I-100006" for more. */
export function rangeLabel(model: string, range: ImportedRange): string {
  const prefix = RANGE_AUDITED[model]?.prefix ?? "";
  return range.count === 1 ? `${prefix}${range.firstNumber}` : `${prefix}${range.firstNumber} – ${prefix}${range.lastNumber}`;
}

/** SQL: the event `e` is a range event of `model` covering the number expression `number`. */
export function coversNumber(model: string, number: Prisma.Sql): Prisma.Sql {
  const audited = RANGE_AUDITED[model];
  if (!audited) return Prisma.sql`false`;
  return Prisma.sql`(e."entityType" = ${model} AND e."entityId" IS NULL AND e.action = ${audited.action}
    AND (e.data->>'firstNumber')::int <= ${number} AND (e.data->>'lastNumber')::int >= ${number})`;
}
