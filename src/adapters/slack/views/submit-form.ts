import { createHash } from "node:crypto";
import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from "@slack/bolt";
import type { Reply } from "../../../core/reply.ts";
import { formOf } from "../blocks.ts";
import { ackWhenDurable, failureReply, slackRequest, renderFor, TIMED_OUT, translatorFor, withBudget, type SlackContext } from "../context.ts";
import type { SlackIdentity } from "../identity.ts";
import { decodeContext, formModal, formValues, hiddenValues, modalErrors } from "../modal.ts";
import type { Form } from "../../../core/reply.ts";

function changedHidden(form: Form, before: Record<string, string> | undefined): boolean {
  const now = hiddenValues(form);
  return !!now && JSON.stringify(now) !== JSON.stringify(before ?? {});
}

type Args = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

const VIEW_BUDGET_MS = 2000;

/**
 * A submitted kam modal: the values go to the core as the form's command. Field errors go back
 * into the modal (`response_action: "errors"`, keyed by block id = field name); a success closes
 * the modal and posts the confirmation where the command was given.
 */
export function submitForm(ctx: SlackContext) {
  return async function submitKamForm({ body, view, ack, client, logger }: Args): Promise<void> {
    let acked = false;
    let who: SlackIdentity | null = null;
    try {
      const meta = decodeContext(view.private_metadata);
      if (!meta) {
        acked = true;
        await ack();
        return;
      }
      const teamId = body.team?.id ?? body.user.team_id ?? "";
      const me = await ctx.identity.resolve(client, teamId, body.user.id, { teamName: body.team?.domain, userName: body.user.name });
      who = me;
      const values = { ...formValues(view.state.values as Parameters<typeof formValues>[0]), ...meta.hidden };
      const submission =
        (body as { trigger_id?: string }).trigger_id ??
        `${view.id}:${createHash("sha256").update(JSON.stringify(values)).digest("hex").slice(0, 16)}`;
      const idempotencyKey = `slack:view:${teamId}:${submission}`;
      if (!ctx.firstSeen(idempotencyKey)) {
        acked = true;
        await ack();
        return;
      }
      // The modal needs the outcome in the acknowledgement (field errors), so it waits for the core.
      const request = slackRequest(me, meta, { form: { id: meta.formId, values } }, idempotencyKey);
      const pending = ctx.ack.track(() => ctx.handle(request));
      // Field errors belong in the modal, which only the acknowledgement can carry: wait longer
      // than for a command (Slack allows 3 s), then close it and post the outcome instead.
      const early = await withBudget(pending, Math.max(ctx.ack.maxMs, VIEW_BUDGET_MS));
      const t = translatorFor(who);
      if (early === TIMED_OUT) {
        // Too slow for the modal: close it once the submission is noted (a restart would run it),
        // and post the outcome (errors included) when it comes.
        acked = true;
        const reply = await ackWhenDurable(ctx, request, () => ack(), { responseUrl: meta.responseUrl ?? null, direct: meta.direct ?? false }, pending);
        await confirm(ctx, client, body.user.id, meta, reply, who.organizationId, t);
        return;
      }
      const reply: Reply = early;
      const form = formOf(reply);
      if (!reply.ok && form && changedHidden(form, meta.hidden)) {
        // Built on an older version: the modal is rebuilt on the current values (and version).
        acked = true;
        await ack({ response_action: "update", view: formModal(form, meta, t) });
        return;
      }
      if (!reply.ok) {
        const fields = (view.blocks ?? []).filter((b) => b.type === "input" && b.block_id).map((b) => b.block_id!);
        const errors = form && Object.keys(form.errors).length ? modalErrors(form, t("slack:modal.checkForm")) : {};
        if (Object.keys(errors).length === 0 && fields[0]) errors[fields[0]] = reply.summary || t("slack:modal.checkForm");
        for (const key of Object.keys(errors)) {
          // Errors may only name input blocks of this view; anything else goes on the first field.
          if (!fields.includes(key) && fields[0] && key !== fields[0]) {
            errors[fields[0]] = `${errors[fields[0]] ?? ""} ${errors[key]}`.trim();
            delete errors[key];
          }
        }
        acked = true;
        await ack({ response_action: "errors", errors });
        return;
      }
      acked = true;
      await ack();
      await confirm(ctx, client, body.user.id, meta, reply, who.organizationId, t);
    } catch (error) {
      logger.error(`slack view submission failed: ${(error as Error).message}`);
      ctx.logger.error({ err: error }, "slack view submission failed");
      if (!acked) await ack().catch(() => {});
      await client.chat.postMessage({ channel: body.user.id, text: failureReply(translatorFor(who)).summary }).catch(() => {});
    }
  };
}

/** Posts the outcome of a submitted form: through the command's response_url, else in the channel or DM. */
async function confirm(
  ctx: SlackContext,
  client: Args["client"],
  userId: string,
  meta: NonNullable<ReturnType<typeof decodeContext>>,
  reply: Reply,
  organizationId: string,
  t: ReturnType<typeof translatorFor>,
): Promise<void> {
  const message = await renderFor(ctx, organizationId, reply, { t });
  const inChannel = reply.ok && reply.visibility === "channel" && !meta.direct && meta.channelId;
  if (meta.responseUrl) {
    const res = await fetch(meta.responseUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ response_type: inChannel ? "in_channel" : "ephemeral", text: message.text, blocks: message.blocks }),
    }).catch(() => null);
    if (res?.ok) return;
  }
  if (inChannel) {
    const posted = await client.chat.postMessage({ channel: meta.channelId!, text: message.text, blocks: message.blocks }).catch(() => null);
    if (posted?.ok) return;
  } else if (meta.channelId && !meta.direct) {
    const posted = await client.chat
      .postEphemeral({ channel: meta.channelId, user: userId, text: message.text, blocks: message.blocks })
      .catch(() => null);
    if (posted?.ok) return;
  }
  // A DM from the app always works.
  await client.chat.postMessage({ channel: userId, text: message.text, blocks: message.blocks });
}

