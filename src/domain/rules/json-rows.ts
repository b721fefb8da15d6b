import type { Prisma, PrismaClient } from "../../generated/prisma/client.ts";
import type { Tx } from "../tx.ts";

/**
 * Runs a query and returns its rows parsed from one JSON document (json_agg). A sweep reads tens of
 * thousands of rows; decoding one document with JSON.parse costs a fraction of decoding every row
 * and field through the driver and Prisma (bench/checks.ts). Money arrives as numbers, timestamps
 * as ISO text without a zone (columns are UTC): see `instant`.
 */
export async function jsonRows<T>(db: PrismaClient | Tx, query: Prisma.Sql): Promise<T[]> {
  const [row] = await db.$queryRaw<{ rows: unknown }[]>`SELECT coalesce(json_agg(q), '[]'::json) AS rows FROM (${query}) q`;
  const rows = row?.rows ?? [];
  return (typeof rows === "string" ? JSON.parse(rows) : rows) as T[];
}

/** A timestamp column read through `jsonRows` (UTC, no zone suffix) as a Date. */
export function instant(value: Date | string): Date {
  return value instanceof Date ? value : new Date(value.endsWith("Z") ? value : `${value}Z`);
}
