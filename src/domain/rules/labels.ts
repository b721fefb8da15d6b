/** How findings name their subjects: the same labels the chat commands show. */

/** "I-7 · RE-9002": kam's reference of an invoice (usable in every invoice command) and the supplier's number. */
export function invoiceLabel(invoice: { refNumber: number; number: string }): string {
  return `I-${invoice.refNumber} · ${invoice.number}`;
}
