import type { AllMiddlewareArgs, BlockAction, ButtonAction, OverflowAction, SlackActionMiddlewareArgs } from "@slack/bolt";
import type { ContextBlock, KnownBlock } from "@slack/types";
import { formOf, nextIds } from "../blocks.ts";
import { escapeMrkdwn, truncate } from "../escape.ts";
import { failureReply, slackRequest, handleThenAck, isDirect, once, renderFor, translatorFor, type SlackContext } from "../context.ts";
import type { SlackIdentity } from "../identity.ts";
import { LIMITS } from "../limits.ts";
import { formModal } from "../modal.ts";
import { publishHome } from "../home.ts";

type Args = SlackActionMiddlewareArgs<BlockAction<ButtonAction | OverflowAction>> & AllMiddlewareArgs;

/** The command a control carries: a button's value, or the chosen option of an overflow menu. */
function commandOf(action: ButtonAction | OverflowAction): string {
  return action.type === "overflow" ? action.selected_option.value : (action.value ?? "");
}

/**
 * A button (or overflow option) whose value is command text ("flag ack 3"): runs it through the
 * core, acknowledges, then updates the message the button sits on when the command changed shared
 * state (the clicked actions row is replaced, in place, by the outcome and who did it: "✅ F-24
 * acknowledged · by Anna Becker"), or answers only the clicker otherwise.
 */
export function runButton(ctx: SlackContext) {
  return async function runCommandButton({ body, action, ack, respond, client, logger }: Args): Promise<void> {
    const ackOnce = once(ack);
    let who: SlackIdentity | null = null;
    const teamId = body.team?.id ?? body.user.team_id ?? "";
    const idempotencyKey = `slack:action:${teamId}:${body.trigger_id ?? `${body.container?.message_ts}:${action.action_ts}`}`;
    let answered = false;
    try {
      if (!ctx.firstSeen(idempotencyKey)) return void (await ackOnce());
      who = await ctx.identity.resolve(client, teamId, body.user.id, { teamName: body.team?.domain, userName: body.user.name });
      const channelId = body.channel?.id ?? null;
      const direct = isDirect(channelId ?? undefined);
      const request = slackRequest(who, { channelId, direct }, { text: commandOf(action) }, idempotencyKey);
      const reply = await handleThenAck(ctx, request, ackOnce, { responseUrl: "response_url" in body && typeof body.response_url === "string" ? body.response_url : null, direct });
      answered = true;
      const t = translatorFor(who);

      const form = formOf(reply);
      if (form && reply.ok !== false) {
        await client.views.open({ trigger_id: body.trigger_id, view: formModal(form, { formId: form.id, channelId, direct }, t) });
        return;
      }
      if (body.view?.type === "home") {
        await publishHome(ctx, client, body.user.id, who);
        if (!reply.ok) {
          const message = await renderFor(ctx, who.organizationId, reply, { t });
          await client.chat.postMessage({ channel: body.user.id, text: message.text, blocks: message.blocks });
        }
        return;
      }
      const original = body.message;
      if (reply.ok && reply.visibility === "channel" && original && channelId) {
        // Keep the message; the row of controls that was used becomes the outcome, where it was.
        const outcome: ContextBlock = {
          type: "context",
          block_id: action.block_id,
          elements: [{ type: "mrkdwn", text: truncate(`${reply.blocks.some((b) => b.kind === "text" && b.tone === "success") ? "✅ " : ""}${escapeMrkdwn(t("slack:outcome", { outcome: reply.summary, name: who.displayName }))}`, LIMITS.context.text) }],
        };
        const old = (original.blocks ?? []) as KnownBlock[];
        const at = old.findIndex((b) => b.block_id === action.block_id);
        const blocks = at >= 0 ? old.map((b, i) => (i === at ? outcome : b)) : [...old.slice(0, LIMITS.message.blocks - 1), outcome];
        if (body.container?.is_ephemeral) {
          await respond({ replace_original: true, text: original.text ?? reply.summary, blocks });
        } else {
          await client.chat.update({ channel: channelId, ts: original.ts, text: original.text ?? reply.summary, blocks });
        }
        return;
      }
      const message = await renderFor(ctx, who.organizationId, reply, { t });
      await respond({ response_type: "ephemeral", replace_original: false, text: message.text, blocks: message.blocks });
    } catch (error) {
      logger.error(`slack action failed: ${(error as Error).message}`);
      ctx.logger.error({ err: error }, "slack action failed");
      if (!answered) ctx.forget(idempotencyKey);
      await ackOnce().catch(() => {});
      await respond({ response_type: "ephemeral", replace_original: false, text: failureReply(translatorFor(who)).summary }).catch(() => {});
    }
  };
}
