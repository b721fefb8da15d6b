import type { App } from "@slack/bolt";
import type { SlackContext } from "../context.ts";
import { appHomeOpened } from "./app-home-opened.ts";
import { appMention } from "./app-mention.ts";
import { directMessage } from "./direct-message.ts";

/** Events API: @mentions, DMs to the app, and the App Home tab. */
export function register(app: App, ctx: SlackContext): void {
  app.event("app_mention", appMention(ctx));
  app.event("message", directMessage(ctx));
  app.event("app_home_opened", appHomeOpened(ctx));
}
