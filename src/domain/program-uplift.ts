import * as limits from "./limits.ts";
import { addDays, daysBetween, localDay } from "./rules/time.ts";
import type { Tx } from "./tx.ts";

export interface Figures {
  quantity: number;
  /** In the program's currency; lines of orders in another currency are left out (counted in `otherCurrencyLines`). */
  valueMinor: number;
}

export interface ProductUplift {
  productId: string;
  sku: string;
  name: string;
  unit: string;
  before: Figures;
  during: Figures;
}

export interface ProgramUplift {
  /** False while the program's first day is still ahead: nothing to compare yet. */
  started: boolean;
  /** The days compared: the program's (through today while it runs) and as many days just before them. */
  during: { from: string; to: string };
  before: { from: string; to: string };
  days: number;
  currency: string;
  products: ProductUplift[];
  total: { before: Figures; during: Figures };
  otherCurrencyLines: number;
}

const zero = (): Figures => ({ quantity: 0, valueMinor: 0 });
const round3 = (n: number) => Math.round(n * 1000) / 1000;

/**
 * What the account ordered of the program's products (all it ordered when the program names no
 * products) on the program's days against the same number of days immediately before them.
 * Orders count on their day in the organization's time zone; cancelled orders do not count.
 */
export async function programUplift(
  tx: Tx,
  organizationId: string,
  program: { accountId: string; fromDay: Date; toDay: Date; currency: string; products: { product: { id: string; sku: string; name: string; unit: string } }[] },
  timeZone: string,
  today: string,
): Promise<ProgramUplift> {
  const from = limits.dateToDay(program.fromDay);
  const last = limits.dateToDay(program.toDay);
  const to = today < last ? today : last;
  const started = from <= today;
  const days = started ? daysBetween(from, to) + 1 : daysBetween(from, last) + 1;
  const during = { from, to: started ? to : last };
  const before = { from: addDays(from, -days), to: addDays(from, -1) };
  const productIds = program.products.map((p) => p.product.id);
  const lines = !started ? [] : await tx.orderLine.findMany({
    where: {
      ...(productIds.length ? { productId: { in: productIds } } : {}),
      order: {
        organizationId,
        accountId: program.accountId,
        status: { not: "CANCELLED" },
        // A day of slack each side; the local order day decides below.
        orderedAt: { gte: limits.dayToDate(addDays(before.from, -1)), lt: limits.dayToDate(addDays(during.to, 2)) },
      },
    },
    select: {
      quantity: true,
      unitPriceMinor: true,
      product: { select: { id: true, sku: true, name: true, unit: true } },
      order: { select: { orderedAt: true, currency: true } },
    },
  });
  const byProduct = new Map<string, ProductUplift>();
  for (const p of program.products) byProduct.set(p.product.id, { productId: p.product.id, ...p.product, before: zero(), during: zero() });
  const total = { before: zero(), during: zero() };
  let otherCurrencyLines = 0;
  for (const line of lines) {
    const day = localDay(line.order.orderedAt, timeZone);
    const window = day >= during.from && day <= during.to ? "during" : day >= before.from && day <= before.to ? "before" : null;
    if (!window) continue;
    let row = byProduct.get(line.product.id);
    if (!row) byProduct.set(line.product.id, (row = { productId: line.product.id, ...line.product, before: zero(), during: zero() }));
    const quantity = Number(line.quantity);
    row[window].quantity = round3(row[window].quantity + quantity);
    total[window].quantity = round3(total[window].quantity + quantity);
    if (line.order.currency !== program.currency) {
      otherCurrencyLines++;
      continue;
    }
    const value = Math.round(quantity * Number(line.unitPriceMinor));
    row[window].valueMinor += value;
    total[window].valueMinor += value;
  }
  const products = [...byProduct.values()].sort((a, b) => a.sku.localeCompare(b.sku));
  return { started, during, before, days, currency: program.currency, products, total, otherCurrencyLines };
}

/** The change from before to during: absolute, and in percent of before (null when there was nothing before). */
export function change(before: number, during: number): { delta: number; percent: number | null } {
  return { delta: round3(during - before), percent: before > 0 ? ((during - before) / before) * 100 : null };
}
