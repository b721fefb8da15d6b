import { z } from "zod";
import { isoDay } from "../../domain/limits.ts";

/** The query of `GET /api/v1/<kind>`: filters and paging. */
export const listQuerySchema = z
  .object({
    account: z.string().trim().min(1).max(120).optional().describe("Only this account's records: its name, the start of it, or its external_id"),
    since: isoDay.optional().describe("Only records dated on or after this day (YYYY-MM-DD)"),
    limit: z.coerce.number().int().min(1).max(1000).default(100).describe("Records per page, 1 to 1000 (an order of several lines, a contract of several prices, is one record: its rows come together)"),
    cursor: z.string().max(100).optional().describe("The next_cursor of the previous page"),
  })
  .strict();

export type ListQuery = z.infer<typeof listQuerySchema>;

export const importResultSchema = z
  .object({
    kind: z.string(),
    created: z.number().int().min(0),
    changed: z.number().int().min(0),
    unchanged: z.number().int().min(0),
    refs: z
      .array(
        z.object({
          index: z.number().int().min(0).describe("The position of the row in the posted array"),
          ref: z.string().describe("kam's reference of the record (O-12, I-7…)"),
          outcome: z.enum(["created", "changed", "unchanged"]),
        }),
      )
      .describe("What became of each row (an order or contract of several rows is listed at its first row)"),
  })
  .describe("What a POST wrote");

export type ImportResponse = z.infer<typeof importResultSchema>;

/** Opaque to clients: the position of the next row in the export's order. */
export function encodeCursor(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset })).toString("base64url");
}

export function decodeCursor(cursor: string): number | null {
  try {
    const value = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as { o?: unknown };
    // Only positions kam could have given out (Prisma's skip takes no more than a 32-bit integer).
    return typeof value.o === "number" && Number.isInteger(value.o) && value.o >= 0 && value.o <= 2_000_000_000 ? value.o : null;
  } catch {
    return null;
  }
}
