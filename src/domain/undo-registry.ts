import type { ChangeData } from "./changes.ts";
import type { RecordRow } from "./records.ts";
import type { Tx } from "./tx.ts";

/**
 * Puts back what a change of a non-scalar part did (order lines, contract prices, a credit note);
 * runs before undo puts back the scalar fields of the same change. Registered per audit action by
 * the service that writes it.
 */
export type CustomUndo = (tx: Tx, row: RecordRow, data: ChangeData) => Promise<void>;

export const customUndos = new Map<string, CustomUndo>();

export function registerUndo(action: string, undo: CustomUndo): void {
  customUndos.set(action, undo);
}
