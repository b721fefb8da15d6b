import type { App, BlockAction, ButtonAction, OverflowAction } from "@slack/bolt";
import { ACTION_ID_PATTERN, OPEN_FORM_ACTION } from "../blocks.ts";
import type { SlackContext } from "../context.ts";
import { runButton } from "./run-command.ts";

/** Buttons and overflow menus: every kam control carries command text; "open form" buttons run the command that answers with a form. */
export function register(app: App, ctx: SlackContext): void {
  app.action<BlockAction<ButtonAction | OverflowAction>>({ type: "block_actions", action_id: ACTION_ID_PATTERN }, runButton(ctx));
  app.action<BlockAction<ButtonAction | OverflowAction>>({ type: "block_actions", action_id: OPEN_FORM_ACTION }, runButton(ctx));
}
