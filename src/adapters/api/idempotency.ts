import { createHash } from "node:crypto";
import type { PrismaClient } from "../../generated/prisma/client.ts";
import { savepointsIn } from "../../core/idempotency.ts";
import { isLockTimeout } from "../../domain/db-errors.ts";

/** What a write request of the API answers: a status and a JSON body. */
export interface ApiResponse {
  status: number;
  body: unknown;
}

export type IdempotentOutcome =
  | { kind: "ran"; response: ApiResponse }
  /** An earlier request with this key got this response; nothing was written again. */
  | { kind: "replayed"; response: ApiResponse }
  /** The key was used before for a different request (method, path or body). */
  | { kind: "mismatch" }
  /** Another request with this key is still running and did not finish in time. */
  | { kind: "in-progress" };

const WAIT_FOR_HOLDER = "10s";
const LEASE = "120s";
/** A write request may carry a large batch; the domain's own 30 s transaction limit is too short. */
const TIMEOUT_MS = 5 * 60_000;

/** The same request means the same method, path and parsed body (whitespace and key order of the JSON aside). */
export function fingerprint(method: string, path: string, body: unknown): string {
  return createHash("sha256").update(`${method} ${path}\n${JSON.stringify(canonical(body))}`).digest("hex");
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical((value as Record<string, unknown>)[k])]));
  }
  return value;
}

/**
 * Runs a write request of the API once per (organization, Idempotency-Key), like src/core/idempotency.ts
 * does for chat: the claim (a row in ApiRequest), the request's writes and its remembered response
 * are one transaction. A retry arriving while the first attempt runs waits on the claim and then
 * answers with its response. Only successful (2xx) responses are remembered: a refused request
 * wrote nothing, so its claim is dropped with it and a corrected retry with the same key runs.
 */
export async function runApiOnce(
  db: PrismaClient,
  { organizationId, key, print }: { organizationId: string; key: string; print: string },
  work: (db: PrismaClient) => Promise<ApiResponse>,
): Promise<IdempotentOutcome> {
  try {
    return await db.$transaction(
      async (tx): Promise<IdempotentOutcome> => {
        await tx.$queryRaw`SELECT set_config('lock_timeout', ${WAIT_FOR_HOLDER}, true), set_config('idle_in_transaction_session_timeout', ${LEASE}, true)`;
        const inserted = await tx.$executeRaw`
          INSERT INTO "ApiRequest" ("organizationId", key, fingerprint, "createdAt") VALUES (${organizationId}, ${key}, ${print}, now())
          ON CONFLICT ("organizationId", key) DO NOTHING`;
        if (inserted === 0) {
          const [row] = await tx.$queryRaw<{ fingerprint: string; status: number | null; response: unknown }[]>`
            SELECT fingerprint, status, response FROM "ApiRequest" WHERE "organizationId" = ${organizationId} AND key = ${key} FOR UPDATE`;
          if (row && row.fingerprint !== print) return { kind: "mismatch" };
          if (row?.status != null) return { kind: "replayed", response: { status: row.status, body: row.response } };
          // The holder rolled back (its request was refused or failed): this attempt takes the key.
          if (!row) {
            await tx.$executeRaw`
              INSERT INTO "ApiRequest" ("organizationId", key, fingerprint, "createdAt") VALUES (${organizationId}, ${key}, ${print}, now())
              ON CONFLICT ("organizationId", key) DO NOTHING`;
          }
        }
        await tx.$queryRaw`SELECT set_config('lock_timeout', '0', true)`;
        const response = await work(savepointsIn(tx));
        if (response.status >= 200 && response.status < 300) {
          await tx.$executeRaw`
            UPDATE "ApiRequest" SET status = ${response.status}, response = ${JSON.stringify(response.body)}::jsonb
            WHERE "organizationId" = ${organizationId} AND key = ${key}`;
        } else {
          await tx.$executeRaw`DELETE FROM "ApiRequest" WHERE "organizationId" = ${organizationId} AND key = ${key}`;
        }
        return { kind: "ran", response };
      },
      { maxWait: 10_000, timeout: TIMEOUT_MS },
    );
  } catch (error) {
    if (isLockTimeout(error)) return { kind: "in-progress" };
    throw error;
  }
}
