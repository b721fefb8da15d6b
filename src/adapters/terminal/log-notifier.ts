import type { DeliveryResult, Notifier, OutgoingMessage } from "../../core/notifier.ts";
import type { Block } from "../../core/reply.ts";
import type { Platform } from "../../generated/prisma/enums.ts";
import type { Logger } from "../../logger.ts";

/** Plain-text rendering of a notification, for the terminal and logs. */
export function renderPlain(message: OutgoingMessage): string {
  const lines: string[] = [`→ ${message.platform} ${message.target}`];
  const line = (b: Block) => {
    switch (b.kind) {
      case "heading":
        return `== ${b.text} ==`;
      case "text":
        return b.text;
      case "fields":
        return b.fields.map((f) => `${f.label}: ${f.value}`).join("\n");
      case "list":
        return [...b.items.map((i) => `  • ${i}`), ...(b.more ? [`  … +${b.more}`] : [])].join("\n");
      case "table":
        return [b.columns.join(" | "), ...b.rows.map((r) => r.join(" | "))].join("\n");
      case "actions":
        return `  [${b.buttons.map((x) => `${x.label}: ${x.command}`).join("] [")}]`;
      case "form":
        return `(form ${b.form.title})`;
      case "mention":
        return `${b.text} ${message.mentions.map((m) => `@${m.name}`).join(" ")}`.trim();
    }
  };
  for (const b of message.reply.blocks) lines.push(line(b));
  return lines.join("\n");
}

/**
 * A Notifier for local runs (`kam jobs run`, `kam serve` without Slack or Teams): it prints or logs
 * each message and reports it delivered. One instance per platform it stands in for; by default
 * it takes the TERMINAL platform.
 */
export class LogNotifier implements Notifier {
  private sequence = 0;

  constructor(
    readonly platform: Platform = "TERMINAL",
    private readonly out: { logger?: Logger; write?: (text: string) => void } = {},
  ) {}

  async send(message: OutgoingMessage): Promise<DeliveryResult> {
    const text = renderPlain(message);
    if (this.out.write) this.out.write(text + "\n");
    else if (this.out.logger) this.out.logger.info({ platform: message.platform, target: message.target, summary: message.reply.summary }, "notification");
    else process.stdout.write(text + "\n");
    return { ok: true, externalId: `log-${++this.sequence}` };
  }
}
