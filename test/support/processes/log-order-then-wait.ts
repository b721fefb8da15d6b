// Child process for the durability test: logs one order on an embedded data directory,
// prints its number once the write is committed, then waits to be killed.
import { openDatabase } from "../../../src/db/client.ts";
import { logOrder } from "../../../src/domain/orders.ts";
import { accountWithProducts } from "../fixtures.ts";

const db = await openDatabase({ kind: "pglite", dataDir: process.argv[2]! });
await db.migrate();
const { actor } = await accountWithProducts(db.prisma);
const order = await logOrder(db.prisma, actor, { account: "acme", lines: [{ product: "BOLT-10", quantity: 7 }] });
const confirmed = await db.prisma.order.update({ where: { id: order.id }, data: { status: "CONFIRMED" } });
process.stdout.write(`confirmed ${confirmed.id}\n`);
setInterval(() => {}, 1000);
