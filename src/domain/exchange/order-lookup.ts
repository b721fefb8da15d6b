import { NotFoundError } from "../errors.ts";
import type { OrderStatus } from "../../generated/prisma/enums.ts";
import type { ImportContext } from "./context.ts";

interface OrderRow {
  id: string;
  number: number;
  accountId: string;
  status: OrderStatus;
  externalRef: string | null;
}

/** kam's own reference as export writes it: a bare "1001" in a file is the ERP's number, never kam's O-1001. */
const KAM_NUMBER = /^O-(\d{1,9})$/i;

/** Orders named by the ERP's number (external reference) or kam's own (O-12), within one account. */
export class OrderLookup {
  private byExternal = new Map<string, OrderRow>();
  private byNumber = new Map<number, OrderRow>();

  constructor(private ctx: ImportContext) {}

  async preload(refs: string[]): Promise<void> {
    const wanted = [...new Set(refs.map((r) => r.trim()))];
    const numbers = wanted.map((r) => KAM_NUMBER.exec(r)).filter((m) => m !== null).map((m) => Number(m[1]));
    for (let i = 0; i < wanted.length; i += 5_000) {
      const found = await this.ctx.tx.order.findMany({
        where: {
          organizationId: this.ctx.actor.organizationId,
          OR: [{ externalRef: { in: wanted.slice(i, i + 5_000) } }, ...(i === 0 && numbers.length ? [{ number: { in: numbers } }] : [])],
        },
        select: { id: true, number: true, accountId: true, status: true, externalRef: true },
      });
      for (const o of found) {
        if (o.externalRef) this.byExternal.set(o.externalRef, o);
        this.byNumber.set(o.number, o);
      }
    }
  }

  async resolve(ref: string, accountId: string): Promise<OrderRow> {
    return this.get(ref, accountId);
  }

  /** `resolve` without a promise, once `preload` has read the orders (a file of 100,000 invoices calls it per row). */
  get(ref: string, accountId: string): OrderRow {
    const wanted = ref.trim();
    let order = this.byExternal.get(wanted);
    if (!order) {
      const m = KAM_NUMBER.exec(wanted);
      order = m ? this.byNumber.get(Number(m[1])) : undefined;
    }
    if (!order || order.accountId !== accountId) throw new NotFoundError("order", wanted);
    return order;
  }
}
