import type { ImportContext, Row } from "../context.ts";
import type { CanonicalRow } from "../kinds.ts";

export async function importContracts(ctx: ImportContext, rows: Row<CanonicalRow<"contracts">>[]): Promise<void> {
  void ctx;
  void rows;
  throw new Error("not yet");
}
