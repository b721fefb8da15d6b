// Orders logged per second through the domain service (logOrder), on PGlite and on PostgreSQL,
// sequentially and with 16 concurrent writers. npm run bench:orders
import type { Database } from "../src/db/client.ts";
import { logOrder } from "../src/domain/orders.ts";
import { accountWithProducts } from "../test/support/fixtures.ts";
import { onEachDatabase, runConcurrent } from "./support.ts";

const N = Number(process.env.ORDERS ?? 400);

async function measure(label: string, db: Database) {
  const { actor } = await accountWithProducts(db.prisma);
  const order = () => logOrder(db.prisma, actor, { account: "acme", lines: [{ product: "BOLT-10", quantity: 10 }, { product: "NUT-10", quantity: 20 }] });
  await runConcurrent(20, 1, order); // warm-up
  const seq = await runConcurrent(N, 1, order);
  const conc = await runConcurrent(N, 16, order);
  const count = await db.prisma.order.count();
  console.log(`${label.padEnd(12)} sequential: ${((N / seq) * 1000).toFixed(0).padStart(5)} orders/s   16 writers: ${((N / conc) * 1000).toFixed(0).padStart(5)} orders/s   (${count} orders written)`);
}

console.log(`logOrder, ${N} orders per figure (2 lines each, one transaction with its audit event):`);
await onEachDatabase(measure);
