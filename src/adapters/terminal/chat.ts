import { createInterface } from "node:readline/promises";
import { randomUUID } from "node:crypto";
import type { CoreDeps } from "../../core/deps.ts";
import { handle } from "../../core/handler.ts";
import type { Reply } from "../../core/reply.ts";
import { memberForIdentity } from "../../domain/members.ts";
import { organizationForWorkspace } from "../../domain/organizations.ts";
import { renderText } from "./render.ts";

/** The local organization and member `kam chat` acts as (the demo seed fills the same organization). */
export async function localIdentity(deps: CoreDeps, user: string) {
  const now = deps.now();
  const org = await organizationForWorkspace(deps.db, "TERMINAL", "local", "Local organization", now);
  const member = await memberForIdentity(deps.db, org.id, "TERMINAL", user, { displayName: user === "local" ? "Local User" : user }, now);
  return { org, member };
}

export async function runOnce(deps: CoreDeps, user: string, text: string): Promise<Reply> {
  const { org, member } = await localIdentity(deps, user);
  return handle(deps, {
    organizationId: org.id,
    memberId: member.id,
    platform: "TERMINAL",
    channelId: null,
    direct: true,
    text,
    idempotencyKey: randomUUID(),
  });
}

/** A REPL: each line goes through the same handler as Slack and Teams. */
export async function repl(deps: CoreDeps, user: string): Promise<void> {
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY === true });
  process.stdout.write("kam chat — type help, or exit to leave.\n");
  rl.setPrompt("kam> ");
  rl.prompt();
  for await (const line of rl) {
    const text = line.trim();
    if (text === "exit" || text === "quit") break;
    if (text) process.stdout.write(renderText(await runOnce(deps, user, text)) + "\n");
    rl.prompt();
  }
  rl.close();
}
