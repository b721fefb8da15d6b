import type { PrismaClient } from "../generated/prisma/client.ts";

/**
 * Bookkeeping rows that would otherwise grow without end: delivered outbox messages, job runs,
 * the idempotency records of handled platform events, expired link codes, read inbox messages of
 * `kam chat` users, the remembered answers of API requests, chat imports' previews, and the pacing rows of targets nothing was sent to for a day. Business data, flags,
 * failed messages (shown in `flags` and /healthz) and audit events are never removed here. The
 * latest run of every job is kept whatever its age: catch-up and `kam jobs list` read it.
 */
export const RETENTION_DAYS = {
  /** Sent messages (their dedupe keys only guard against a second insert by the same run). */
  sentNotifications: 30,
  jobRuns: 30,
  /** Platforms retry within minutes; a week is ample. */
  processedEvents: 7,
  /** After expiry, used or not. */
  linkCodes: 1,
  /** Once read (unread messages are kept until their member reads them). */
  readInboxMessages: 30,
  /** A target's pacing row, held by nobody and with its next send long past, paces nothing. */
  idleChannelPaces: 1,
  /** The remembered answers of API requests with an Idempotency-Key: ERP retries come within hours. */
  apiRequests: 7,
  /** Chat imports' previews (with the file's content) are confirmed within 24 hours or never. */
  importPreviews: 2,
} as const;

export interface PruneSummary {
  notifications: number;
  jobRuns: number;
  processedEvents: number;
  linkCodes: number;
  inboxMessages: number;
  channelPaces: number;
  apiRequests: number;
  importPreviews: number;
}

const DAY_MS = 86_400_000;

export async function pruneBookkeeping(db: PrismaClient, now: Date): Promise<PruneSummary> {
  const before = (days: number) => new Date(now.getTime() - days * DAY_MS);
  const notifications = await db.$executeRaw`
    DELETE FROM "Notification" WHERE status = 'SENT' AND "sentAt" < ${before(RETENTION_DAYS.sentNotifications)}::timestamp`;
  const jobRuns = await db.$executeRaw`
    DELETE FROM "JobRun" j WHERE j."startedAt" < ${before(RETENTION_DAYS.jobRuns)}::timestamp
      AND EXISTS (SELECT 1 FROM "JobRun" k WHERE k.job = j.job AND k."fireAt" > j."fireAt")`;
  const processedEvents = await db.$executeRaw`
    DELETE FROM "ProcessedEvent" WHERE "createdAt" < ${before(RETENTION_DAYS.processedEvents)}::timestamp`;
  const linkCodes = await db.$executeRaw`
    DELETE FROM "LinkCode" WHERE "expiresAt" < ${before(RETENTION_DAYS.linkCodes)}::timestamp`;
  const inboxMessages = await db.$executeRaw`
    DELETE FROM "InboxMessage" WHERE "readAt" < ${before(RETENTION_DAYS.readInboxMessages)}::timestamp`;
  const channelPaces = await db.$executeRaw`
    DELETE FROM "ChannelPace" WHERE holder IS NULL AND "nextAt" < ${before(RETENTION_DAYS.idleChannelPaces)}::timestamp`;
  const apiRequests = await db.$executeRaw`
    DELETE FROM "ApiRequest" WHERE "createdAt" < ${before(RETENTION_DAYS.apiRequests)}::timestamp`;
  // Also those of an organization that is gone (a preview has no foreign key to it).
  const importPreviews = await db.$executeRaw`
    DELETE FROM "ImportPreview" p WHERE p."createdAt" < ${before(RETENTION_DAYS.importPreviews)}::timestamp
      OR NOT EXISTS (SELECT 1 FROM "Organization" o WHERE o.id = p."organizationId")`;
  return { notifications, jobRuns, processedEvents, linkCodes, inboxMessages, channelPaces, apiRequests, importPreviews };
}
