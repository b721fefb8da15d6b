/** How both adapters lay out a table's columns: which hold numbers, and how wide each is. */

/** Numbers, amounts and quantities ("€1,234.50", "12 pcs", "55 %", "1.234,50 €"): right-aligned in tables. */
const NUMERIC_CELL = /^(?:[-+]?(?:[€$£]|[A-Z]{3}\s?)?\s?\d[\d.,'\u00a0\u202f ]*(?:\s?(?:[€$£%]|[A-Z]{3}|[a-zA-ZäöüÄÖÜ]{1,6}\.?))?|–|—|-)$/;

export function isNumericColumn(rows: string[][], index: number): boolean {
  const cells = rows.map((r) => (r[index] ?? "").trim()).filter((c) => c && c !== "–" && c !== "—" && c !== "-");
  return cells.length > 0 && cells.every((c) => NUMERIC_CELL.test(c) && /\d/.test(c));
}

/** Column weights from their content: the longest word decides (it cannot break), the header and average length add. */
export function columnWeights(columns: string[], rows: string[][]): number[] {
  return columns.map((header, i) => {
    const cells = [header, ...rows.map((r) => r[i] ?? "")];
    const longestWord = Math.max(...cells.flatMap((c) => c.split(/\s+/).map((w) => w.length)));
    const average = cells.reduce((sum, c) => sum + c.length, 0) / cells.length;
    return Math.max(3, Math.round(Math.max(longestWord, average * 0.8)));
  });
}
