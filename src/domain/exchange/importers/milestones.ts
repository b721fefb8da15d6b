import type { ImportContext, Row } from "../context.ts";
import type { CanonicalRow } from "../kinds.ts";

export async function importMilestones(ctx: ImportContext, rows: Row<CanonicalRow<"milestones">>[]): Promise<void> {
  void ctx;
  void rows;
  throw new Error("not yet");
}
