// Handler throughput: text commands per second through handle() — parse, validate, write —
// on PGlite and PostgreSQL, sequentially and with 16 concurrent callers. npm run bench:handler
import { randomUUID } from "node:crypto";
import { pino } from "pino";
import { handle } from "../src/core/handler.ts";
import { systemClock } from "../src/core/clock.ts";
import type { Database } from "../src/db/client.ts";
import { accountWithProducts } from "../test/support/fixtures.ts";
import { onEachDatabase, runConcurrent } from "./support.ts";

const N = Number(process.env.COMMANDS ?? 400);
const logger = pino({ level: "silent" });

async function measure(label: string, db: Database) {
  const { actor } = await accountWithProducts(db.prisma);
  const deps = { db: db.prisma, logger, now: systemClock };
  const send = (text: string) => () =>
    handle(deps, { organizationId: actor.organizationId, memberId: actor.memberId!, platform: "SLACK", channelId: "C1", text, idempotencyKey: randomUUID() }).then((r) => {
      if (!r.ok) throw new Error(`refused: ${r.summary}`);
    });
  const write = send(`order log "ACME Holding GmbH" 10 BOLT-10 @ 2,40 €, 5 NUT-10 due next friday po 4711`);
  const read = send("order list acme");
  await runConcurrent(20, 1, write);
  const seq = await runConcurrent(N, 1, write);
  const conc = await runConcurrent(N, 16, write);
  const reads = await runConcurrent(N, 16, read);
  console.log(
    `${label.padEnd(12)} order log sequential: ${((N / seq) * 1000).toFixed(0).padStart(5)}/s   16 callers: ${((N / conc) * 1000).toFixed(0).padStart(5)}/s   order list (16 callers): ${((N / reads) * 1000).toFixed(0).padStart(5)}/s`,
  );
}

console.log(`handle(), ${N} commands per figure (each with its idempotency record):`);
await onEachDatabase(measure);
