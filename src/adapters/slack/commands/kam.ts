import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from "@slack/bolt";
import { formOf } from "../blocks.ts";
import { fromSlackText } from "../escape.ts";
import { failureReply, slackRequest, handleThenAck, isDirect, once, renderFor, translatorFor, type SlackContext } from "../context.ts";
import { translator } from "../../../core/i18n/index.ts";
import type { SlackIdentity } from "../identity.ts";
import { formModal } from "../modal.ts";

type Args = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

/**
 * `/kam <text>`: translates the command into a ChatRequest, lets the core run it (within the
 * acknowledgement budget, so a write is done before Slack hears "ok"), acknowledges, and answers
 * through the response_url: ephemeral, or in the channel when the reply announces a change.
 * A reply that is a form opens a modal instead.
 */
export function kamCommand(ctx: SlackContext) {
  return async function kam({ command, ack, respond, client, logger }: Args): Promise<void> {
    const ackOnce = once(ack);
    let who: SlackIdentity | null = null;
    const idempotencyKey = `slack:command:${command.team_id}:${command.trigger_id}`;
    let answered = false;
    try {
      if (!ctx.firstSeen(idempotencyKey)) return void (await ackOnce());
      who = await ctx.identity.resolve(client, command.team_id, command.user_id, {
        teamName: command.team_domain,
        userName: command.user_name,
      });
      const direct = isDirect(command.channel_id, command.channel_name);
      const request = slackRequest(who, { channelId: command.channel_id, direct }, { text: fromSlackText(command.text ?? "") }, idempotencyKey);
      const reply = await handleThenAck(ctx, request, ackOnce, { responseUrl: command.response_url ?? null, direct });
      answered = true;
      const t = reply.locale ? translator(reply.locale) : translatorFor(who);
      const form = formOf(reply);
      if (form && reply.ok !== false) {
        try {
          await client.views.open({
            trigger_id: command.trigger_id,
            view: formModal(form, { formId: form.id, channelId: command.channel_id, direct, responseUrl: command.response_url }, t),
          });
          return;
        } catch (error) {
          logger.warn(`views.open failed: ${(error as Error).message}`);
          // The message below carries a button that opens the form again.
        }
      }
      const message = await renderFor(ctx, who.organizationId, reply, { t, formCommand: fromSlackText(command.text ?? "").trim() || form?.id });
      await respond({
        response_type: reply.visibility === "channel" && !direct ? "in_channel" : "ephemeral",
        text: message.text,
        blocks: message.blocks,
      });
    } catch (error) {
      ctx.logger.error({ err: error, command: command.command }, "slack command failed");
      if (!answered) ctx.forget(idempotencyKey);
      await ackOnce().catch(() => {});
      const message = failureReply(translatorFor(who));
      await respond({ response_type: "ephemeral", text: message.summary }).catch(() => {});
    }
  };
}
