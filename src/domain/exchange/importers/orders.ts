import type { ImportContext, Row } from "../context.ts";
import type { CanonicalRow } from "../kinds.ts";

export async function importOrders(ctx: ImportContext, rows: Row<CanonicalRow<"orders">>[]): Promise<void> {
  void ctx;
  void rows;
  throw new Error("not yet");
}
