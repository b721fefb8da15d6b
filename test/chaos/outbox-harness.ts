import type { OutgoingMessage } from "../../src/core/notifier.ts";
import { openDatabase, type Database } from "../../src/db/client.ts";
import { enqueue } from "../../src/domain/notifications.ts";
import { createPostgresDatabase } from "../support/databases.ts";
import { FakeSlack } from "../support/fake-slack.ts";
import { KAM_BIN, startChild, type Child } from "../support/processes.ts";

/**
 * Real `kam serve` replicas (child processes) on one scratch PostgreSQL database, delivering the
 * outbox to one fake Slack in the test process, which counts what arrives by outbox key.
 */
export interface OutboxCluster {
  fake: FakeSlack;
  db: Database;
  organizationId: string;
  /** Starts one replica and waits until it listens. */
  start(name: string): Promise<Child>;
  /** Writes `perTarget` notifications to each target; returns their ids. */
  queue(prefix: string, targets: string[], perTarget: number): Promise<string[]>;
  /** Waits until every row is SENT (or FAILED); returns how many are not. */
  settle(ids: string[], timeoutMs: number): Promise<number>;
  /** Counted at the fake: rows posted more than once, and rows never posted. */
  count(ids: string[]): { duplicated: number; lost: number; posts: number };
  close(): Promise<void>;
}

export const LEASE_MS = 4_000;

export async function outboxCluster(): Promise<OutboxCluster> {
  const pg = await createPostgresDatabase();
  const db = await openDatabase({ kind: "postgres", url: pg.url, poolSize: 4 });
  await db.migrate();
  const fake = await new FakeSlack().start();
  const org = await db.prisma.organization.create({ data: { name: "Chaos GmbH" } });
  const children = new Set<Child>();
  const env = {
    DATABASE_URL: pg.url,
    PORT: "0",
    SLACK_BOT_TOKEN: fake.token,
    SLACK_SIGNING_SECRET: "chaos-signing-secret",
    SLACK_API_URL: fake.apiUrl,
    KAM_TEAMS: "off",
    KAM_SCHEDULER: "on",
    KAM_OUTBOX_LEASE_MS: String(LEASE_MS),
    LOG_LEVEL: "info",
  };
  return {
    fake,
    db,
    organizationId: org.id,
    async start() {
      const child = startChild([KAM_BIN, "serve"], env);
      children.add(child);
      void child.exited.then(() => children.delete(child));
      await child.waitFor(/kam is listening/, 60_000);
      return child;
    },
    async queue(prefix, targets, perTarget) {
      const rows = targets.flatMap((target) =>
        Array.from({ length: perTarget }, (_, i) => {
          const message: OutgoingMessage = { organizationId: org.id, platform: "SLACK", target, mentions: [], reply: { ok: true, visibility: "channel", summary: `${prefix} ${target} #${i}`, blocks: [] } };
          return { organizationId: org.id, dedupeKey: `${prefix}:${target}:${i}`, accountId: null, message, notBefore: new Date(0) };
        }),
      );
      await db.prisma.$transaction((tx) => enqueue(tx, rows));
      const stored = await db.prisma.notification.findMany({ where: { dedupeKey: { startsWith: `${prefix}:` } }, select: { id: true } });
      return stored.map((r) => r.id);
    },
    async settle(ids, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const open = await db.prisma.notification.count({ where: { id: { in: ids }, status: { in: ["PENDING", "SENDING"] } } });
        if (open === 0 || Date.now() > deadline) return open;
        await new Promise((r) => setTimeout(r, 250));
      }
    },
    count(ids) {
      const counts = fake.postsByKey();
      return {
        duplicated: ids.filter((id) => (counts.get(id) ?? 0) > 1).length,
        lost: ids.filter((id) => !counts.has(id)).length,
        posts: ids.reduce((n, id) => n + (counts.get(id) ?? 0), 0),
      };
    },
    async close() {
      for (const child of children) child.process.kill("SIGKILL");
      await Promise.all([...children].map((c) => c.exited));
      await fake.stop();
      await db.close();
      await pg.drop();
    },
  };
}
