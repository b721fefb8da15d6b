import { z } from "zod";
import { writeCsv } from "../../domain/exchange/csv.ts";
import { exportColumns, exportRows } from "../../domain/exchange/export.ts";
import { EXCHANGE_KINDS, isExchangeKind } from "../../domain/exchange/kinds.ts";
import { joinTokens } from "../grammar/tokens.ts";
import { reply, text } from "../replies.ts";
import { defineCommand, UsageError } from "./command.ts";

const KINDS = [...EXCHANGE_KINDS, "flags"] as const;

/** The file's name: the kind, the account filter when there is one (letters and digits only). */
export function exportFileName(kind: string, account?: string): string {
  const slug = account?.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 40);
  return `${kind}${slug ? `-${slug}` : ""}.csv`;
}

/** `export <kind> [<account>]`: the same CSV as `kam export <kind> --account <account>`, posted as a file. */
export const exportKind = defineCommand({
  name: "export",
  words: ["export"],
  topic: "export",
  writes: false,
  schema: z.object({ kind: z.enum(KINDS), account: z.string().min(1).max(200).optional() }),
  parse(args) {
    const kind = args[0]?.text.toLowerCase();
    if (!kind) throw new UsageError("usage.missing", { what: "exportKind" });
    if (kind !== "flags" && !isExchangeKind(kind)) throw new UsageError("usage.badChoice", { text: args[0]!.text, what: "kind", choices: KINDS.join(", ") });
    const account = joinTokens(args.slice(1));
    return { kind, ...(account ? { account } : {}) };
  },
  async run(ctx, input) {
    // A Teams channel or group chat: the download link would be everyone's.
    if (ctx.request.privateReplies === false) throw new UsageError("exchange.exportNotHere");
    const rows = await exportRows(ctx.deps.db, ctx.actor, input.kind, input.account ? { account: input.account } : {});
    const summary = ctx.t("exchange.exported", { kind: input.kind, count: rows.length });
    return {
      ...reply(summary, [text(summary, "success")]),
      file: { name: exportFileName(input.kind, input.account), content: writeCsv(exportColumns(input.kind), rows), export: { kind: input.kind, ...(input.account ? { account: input.account } : {}) } },
    };
  },
});
