import { createInterface } from "node:readline/promises";
import { randomUUID } from "node:crypto";
import type { CoreDeps } from "../../core/deps.ts";
import type { Member, Organization, PrismaClient } from "../../generated/prisma/client.ts";
import { handle, knownMember } from "../../core/handler.ts";
import type { Reply } from "../../core/reply.ts";
import { memberForIdentity } from "../../domain/members.ts";
import { organizationForWorkspace } from "../../domain/organizations.ts";
import { toLocale, translator } from "../../core/i18n/index.ts";
import { takeUnread } from "../../domain/inbox.ts";
import { inboxNotifier } from "../../scheduler/inbox-notifier.ts";
import { Dispatcher } from "../../scheduler/dispatcher.ts";
import { renderText } from "./render.ts";

export interface LocalIdentity {
  org: Organization;
  member: Member;
}

/** The local organization and member `kam chat` acts as, when both exist (a read: safe before migrating). */
export async function findLocalIdentity(db: PrismaClient, user: string): Promise<LocalIdentity | null> {
  const workspace = await db.workspace.findUnique({
    where: { platform_externalId: { platform: "TERMINAL", externalId: "local" } },
    include: { organization: { include: { members: { where: { identities: { some: { platform: "TERMINAL", externalId: user } } }, take: 1 } } } },
  });
  if (!workspace?.organization.members[0]) return null;
  const { members, ...org } = workspace.organization;
  return { org, member: members[0]! };
}

/** The local organization and member `kam chat` acts as, made at first use (the demo seed fills the same organization). */
export async function localIdentity(deps: CoreDeps, user: string, known?: LocalIdentity | null): Promise<LocalIdentity> {
  const found = known ?? (await findLocalIdentity(deps.db, user));
  if (found) return found;
  const now = deps.now();
  const org = await organizationForWorkspace(deps.db, "TERMINAL", "local", "Local organization", now);
  const member = await memberForIdentity(deps.db, org.id, "TERMINAL", user, { displayName: user === "local" ? "Local User" : user }, now);
  return { org, member };
}

/** Delivers the outbox's due messages for kam chat users into their inboxes. */
export async function deliverPending(deps: CoreDeps): Promise<void> {
  // Most prompts have nothing waiting: one indexed look instead of a dispatcher's claim round.
  const waiting = await deps.db.$queryRaw<{ id: string }[]>`
    SELECT id FROM "Notification" WHERE status IN ('PENDING', 'SENDING') AND platform = 'TERMINAL' LIMIT 1`;
  if (waiting.length === 0) return;
  // A failure here must not end the chat: the messages stay in the outbox for the next prompt.
  await new Dispatcher({ db: deps.db, notifiers: [inboxNotifier(deps.db, deps.now)], owner: `chat-${process.pid}`, now: deps.now, channelIntervalMs: 0 })
    .drain()
    .catch((error: unknown) => deps.logger.warn({ err: error }, "delivering kam chat notifications failed"));
}

/**
 * What arrived for the user since the last prompt, as text (null when nothing did). The outbox's
 * messages for kam chat users are delivered to their inboxes first: on the embedded database no
 * kam serve can run beside kam chat to do it.
 */
export async function newNotifications(deps: CoreDeps, { org, member }: LocalIdentity): Promise<string | null> {
  await deliverPending(deps);
  const unread = await takeUnread(deps.db, { organizationId: org.id, memberId: member.id, platform: "TERMINAL", now: deps.now() });
  if (unread.length === 0) return null;
  const t = translator(toLocale(member.locale) ?? toLocale(org.locale) ?? "en");
  return [`── ${t("inbox.arrived", { count: unread.length })}`, ...unread.map((e) => renderText(e.reply as Reply))].join("\n\n");
}

export async function runOnce(deps: CoreDeps, { org, member }: LocalIdentity, text: string): Promise<Reply> {
  const request = { organizationId: org.id, memberId: member.id, platform: "TERMINAL", channelId: null } as const;
  knownMember(deps, request, { ...member, organization: org }, deps.now());
  return handle(deps, { ...request, direct: true, text, idempotencyKey: randomUUID() });
}

/** A REPL: each line goes through the same handler as Slack and Teams. */
export async function repl(deps: CoreDeps, user: string): Promise<void> {
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY === true });
  process.stdout.write("kam chat — type help, or exit to leave.\n");
  rl.setPrompt("kam> ");
  // Who the user is is read again for every line: a command may change their language.
  const prompt = async () => {
    const arrived = await newNotifications(deps, await localIdentity(deps, user));
    if (arrived) process.stdout.write(arrived + "\n");
    rl.prompt();
  };
  await prompt();
  for await (const line of rl) {
    const text = line.trim();
    if (text === "exit" || text === "quit") break;
    if (text) process.stdout.write(renderText(await runOnce(deps, await localIdentity(deps, user), text)) + "\n");
    await prompt();
  }
  rl.close();
}
