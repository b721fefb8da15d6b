import type { Notifier, OutgoingMessage } from "../core/notifier.ts";
import { deliverToInbox } from "../domain/inbox.ts";
import type { PrismaClient } from "../generated/prisma/client.ts";

/**
 * The Notifier of the TERMINAL platform: the outbox's messages for `kam chat` users go to their
 * inbox (the target is the member id, see notifications.ts `directTarget`). `echo` also prints
 * them (`kam jobs run`).
 */
export function inboxNotifier(db: PrismaClient, now: () => Date, echo?: (message: OutgoingMessage) => void): Notifier {
  return {
    platform: "TERMINAL",
    async send(message, delivery) {
      const stored = await deliverToInbox(db, message.target, message.reply, now(), delivery?.key);
      if (!stored) return { ok: false, kind: "permanent", error: `no kam chat member ${message.target.slice(0, 60)}` };
      echo?.(message);
      return { ok: true };
    },
  };
}
