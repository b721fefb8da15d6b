import type { App } from "@slack/bolt";
import type { SlackContext } from "../context.ts";
import { kamCommand } from "./kam.ts";

export const SLASH_COMMAND = "/kam";

/** Slash commands: `/kam <text>`, the same grammar as a DM or an @mention. */
export function register(app: App, ctx: SlackContext): void {
  app.command(SLASH_COMMAND, kamCommand(ctx));
}
