import { z } from "zod";
import { confirmImport, MAX_CHAT_FILE_BYTES, previewImport } from "../../domain/exchange/previews.ts";
import type { ImportFileResult } from "../../domain/exchange/import-file.ts";
import type { CommandContext } from "../context.ts";
import { forecastLines, importReport, keptLine } from "../messages/exchange.ts";
import { heading, list, reply, text } from "../replies.ts";
import type { Reply } from "../reply.ts";
import { rejectExtra } from "./args.ts";
import { defineCommand, UsageError } from "./command.ts";

/** Errors shown in a chat preview; the rest are counted. */
const MAX_ERRORS = 30;

function previewReply(ctx: CommandContext, fileName: string, result: ImportFileResult, previewId: string | null, note?: string): Reply {
  const title = ctx.t("exchange.previewTitle", { file: fileName });
  const [summary, ...rest] = importReport(ctx.t, { ...result, dryRun: true }, MAX_ERRORS);
  const failed = result.errors.length > 0;
  const kept = failed ? null : keptLine(ctx.t, result);
  const blocks = [
    heading(title),
    ...(note ? [text(note, "warning")] : []),
    text(result.kind ? summary! : rest[0]!, failed ? "error" : "normal"),
    ...(failed ? [list(result.kind ? rest : rest.slice(1))] : [...(kept ? [text(kept, "muted")] : []), ...forecastBlocks(ctx, result), text(ctx.t("exchange.previewBody"), "muted")]),
  ];
  const answer = reply(title, blocks, previewId ? [{ label: ctx.t("exchange.confirm"), command: `import confirm ${previewId}`, style: "primary" }] : []);
  return failed ? { ...answer, ok: false } : answer;
}

/** What the next check sweep will flag on the imported accounts (the dry run ran the checks). */
function forecastBlocks(ctx: CommandContext, result: ImportFileResult) {
  if (!result.forecast) return [];
  const [lead, ...perCheck] = forecastLines(ctx.t, result.forecast);
  return [text(lead!), ...(perCheck.length ? [list(perCheck)] : [])];
}

/** `import` with a CSV file attached (a Slack upload, a Teams attachment): the dry run and its Confirm button. */
export const importPreview = defineCommand({
  name: "import",
  words: ["import"],
  topic: "import",
  writes: false,
  schema: z.object({}),
  parse(args) {
    rejectExtra(args);
    return {};
  },
  async run(ctx) {
    const file = ctx.request.attachment;
    const failed = ctx.request.attachmentError;
    if (!file && failed?.reason === "tooLarge") throw new UsageError("exchange.fileTooLarge", { max: MAX_CHAT_FILE_BYTES / (1024 * 1024) });
    if (!file && failed) throw new UsageError("exchange.fileUnreadable", { reason: failed.detail });
    if (!file) throw new UsageError("exchange.noFile");
    const { previewId, result } = await previewImport(ctx.deps.db, ctx.actor, file);
    return previewReply(ctx, file.name, result, previewId);
  },
});

/** The preview's Confirm button: applies exactly the previewed file, or shows the new preview. */
export const importConfirm = defineCommand({
  name: "import.confirm",
  words: ["import", "confirm"],
  topic: "import",
  writes: true,
  schema: z.object({ preview: z.string().min(1).max(60) }),
  parse(args) {
    if (args.length === 0) throw new UsageError("usage.missing", { what: "preview" });
    rejectExtra(args.slice(1));
    return { preview: args[0]!.text };
  },
  async run(ctx, input) {
    const { fileName, result } = await confirmImport(ctx.deps.db, ctx.actor, input.preview);
    if (result.stale || result.errors.length) {
      return previewReply(ctx, fileName, result, result.errors.length ? null : input.preview, ctx.t("exchange.changedSince"));
    }
    const summary = ctx.t("exchange.confirmed", { file: fileName });
    const [counts] = importReport(ctx.t, result);
    return { ...reply(summary, [text(summary, "success"), text(counts!)]), visibility: "channel" };
  },
});
