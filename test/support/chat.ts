import { randomUUID } from "node:crypto";
import { pino } from "pino";
import type { PrismaClient } from "../../src/generated/prisma/client.ts";
import { handle } from "../../src/core/handler.ts";
import type { Reply } from "../../src/core/reply.ts";
import type { ChatRequest } from "../../src/core/request.ts";
import type { Actor } from "../../src/domain/actor.ts";

export const silentLogger = pino({ level: "silent" });

/** All text of a reply, for assertions. */
export function replyText(reply: Reply): string {
  return reply.blocks
    .map((b) => {
      switch (b.kind) {
        case "heading":
        case "text":
        case "mention":
          return b.text;
        case "fields":
          return b.fields.map((f) => `${f.label}: ${f.value}`).join("\n");
        case "list":
          return b.items.join("\n");
        case "table":
          return [b.columns.join(" | "), ...b.rows.map((r) => r.join(" | "))].join("\n");
        case "actions":
          return b.buttons.map((x) => `[${x.label}] ${x.command}`).join("\n");
        case "form":
          return [b.form.title, ...Object.entries(b.form.errors).map(([k, v]) => `${k}: ${v}`)].join("\n");
      }
    })
    .join("\n");
}

/** Sends one line (or form) through the real handler as the given actor. */
export function chat(db: PrismaClient, actor: Actor, options: { now?: Date; channelId?: string } = {}) {
  const send = (partial: Partial<ChatRequest>) =>
    handle(
      { db, logger: silentLogger, now: () => options.now ?? actor.now },
      {
        organizationId: actor.organizationId,
        memberId: actor.memberId!,
        platform: actor.platform ?? "SLACK",
        channelId: options.channelId ?? null,
        idempotencyKey: randomUUID(),
        ...partial,
      },
    );
  return {
    say: (text: string, extra: Partial<ChatRequest> = {}) => send({ text, ...extra }),
    submit: (id: string, values: Record<string, string>, extra: Partial<ChatRequest> = {}) => send({ form: { id, values }, ...extra }),
  };
}
