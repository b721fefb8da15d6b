import type { PrismaClient } from "../../generated/prisma/client.ts";
import type { Actor } from "../actor.ts";
import { NotFoundError } from "../errors.ts";
import { importFile, type ImportFileResult } from "./import-file.ts";

/** How long a chat preview can be confirmed. */
const PREVIEW_TTL_MS = 24 * 3_600_000;
/** The largest file taken from chat (a bigger one belongs to `kam import` on the server). */
export const MAX_CHAT_FILE_BYTES = 5 * 1024 * 1024;

/**
 * A file uploaded in chat: a dry run, kept (when it has no errors) so that its Confirm button
 * applies exactly this content.
 */
export async function previewImport(
  db: PrismaClient,
  actor: Actor,
  file: { name: string; text: string },
): Promise<{ previewId: string | null; result: ImportFileResult }> {
  const result = await importFile(db, actor, file.text, { dryRun: true });
  if (result.errors.length > 0 || !result.kind || !actor.memberId) return { previewId: null, result };
  const preview = await db.importPreview.create({
    data: {
      organizationId: actor.organizationId,
      memberId: actor.memberId,
      fileName: file.name.slice(0, 200),
      kind: result.kind,
      content: file.text,
      summary: { created: result.created, changed: result.changed, unchanged: result.unchanged },
      createdAt: actor.now,
    },
  });
  return { previewId: preview.id, result };
}

/**
 * Applies a preview, once, by the member who made it: only if a fresh run finds the counts the
 * preview showed. When the data changed in between nothing is written and the new counts become
 * the preview (`stale`), to be confirmed again.
 */
export async function confirmImport(db: PrismaClient, actor: Actor, id: string): Promise<{ fileName: string; result: ImportFileResult }> {
  const preview = /^[0-9a-f-]{36}$/i.test(id)
    ? await db.importPreview.findFirst({
        where: { id, organizationId: actor.organizationId, memberId: actor.memberId ?? "", usedAt: null, createdAt: { gte: new Date(actor.now.getTime() - PREVIEW_TTL_MS) } },
      })
    : null;
  if (!preview) throw new NotFoundError("import preview", id);
  const summary = preview.summary as { created: number; changed: number; unchanged: number };
  const result = await importFile(db, actor, preview.content, {
    kind: preview.kind as never,
    dryRun: false,
    expect: summary,
    alsoWrite: async (tx) => {
      const used = await tx.importPreview.updateMany({ where: { id: preview.id, usedAt: null }, data: { usedAt: actor.now } });
      // Two confirmations at once: the second finds the preview used and writes nothing.
      if (used.count !== 1) throw new NotFoundError("import preview", id);
    },
  });
  if (result.stale && result.errors.length === 0) {
    await db.importPreview.update({ where: { id: preview.id }, data: { summary: { created: result.created, changed: result.changed, unchanged: result.unchanged } } });
  }
  return { fileName: preview.fileName, result };
}
