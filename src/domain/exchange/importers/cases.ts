import type { ImportContext, Row } from "../context.ts";
import type { CanonicalRow } from "../kinds.ts";

export async function importCases(ctx: ImportContext, rows: Row<CanonicalRow<"cases">>[]): Promise<void> {
  void ctx;
  void rows;
  throw new Error("not yet");
}
