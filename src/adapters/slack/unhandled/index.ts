import type { App } from "@slack/bolt";
import { ACTION_ID_PATTERN, OPEN_FORM_ACTION } from "../blocks.ts";
import type { SlackContext } from "../context.ts";
import { FORM_CALLBACK } from "../modal.ts";

/**
 * Interactions no kam listener takes (a control on another app's message in a Grid org, a shortcut
 * kam does not declare, a modal that is not kam's, a closed modal): acknowledged at once and
 * otherwise ignored. Bolt acknowledges nothing by itself, so Slack would wait 3 seconds and show
 * the user an error.
 */
export function register(app: App, ctx: SlackContext): void {
  const log = (kind: string, id: string | undefined) => ctx.logger.debug({ kind, id }, "slack: interaction ignored");
  const ours = (id: string) => ACTION_ID_PATTERN.test(id) || id === OPEN_FORM_ACTION;
  app.action({ action_id: /^/ }, async ({ action, ack }) => {
    const id = "action_id" in action ? action.action_id : undefined;
    if (id && ours(id)) return;
    log("action", id);
    await ack();
  });
  app.view({ callback_id: /^/, type: "view_submission" }, async ({ view, ack }) => {
    if (view.callback_id === FORM_CALLBACK) return;
    log("view_submission", view.callback_id);
    await ack();
  });
  app.view({ callback_id: /^/, type: "view_closed" }, async ({ view, ack }) => {
    log("view_closed", view.callback_id);
    await ack();
  });
  app.shortcut(/^/, async ({ shortcut, ack }) => {
    log("shortcut", shortcut.callback_id);
    await ack();
  });
}
