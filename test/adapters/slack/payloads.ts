import { readFileSync } from "node:fs";

/** Named payload factories over the real-shaped captured payloads in test/fixtures/slack. */
function fixture<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../../fixtures/slack/${name}.json`, import.meta.url), "utf8")) as T;
}

let seq = 0;
function unique(): string {
  seq += 1;
  return `${Date.now()}${String(seq).padStart(4, "0")}`;
}

export interface Who {
  teamId: string;
  userId: string;
  channelId?: string;
}

/** `/kam <text>` as Slack posts it (form-encoded); each call gets its own trigger_id unless given. */
export function slashCommand(who: Who, text: string, options: { responseUrl?: string; triggerId?: string; channelName?: string } = {}) {
  const base = fixture<Record<string, string>>("slash-command");
  return {
    ...base,
    team_id: who.teamId,
    user_id: who.userId,
    channel_id: who.channelId ?? base.channel_id!,
    ...(options.channelName ? { channel_name: options.channelName } : {}),
    text,
    trigger_id: options.triggerId ?? `${unique()}.1234567890123.0123456789abcdef`,
    ...(options.responseUrl ? { response_url: options.responseUrl } : {}),
  };
}

/** A click on a kam button (block_actions) on a message posted by the bot. */
export function buttonClick(
  who: Who,
  command: string,
  options: { messageTs?: string; responseUrl?: string; blocks?: unknown[]; text?: string } = {},
) {
  const base = fixture<Record<string, any>>("block-actions");
  const ts = options.messageTs ?? base.message.ts;
  const action = { ...base.actions[0], value: command, action_ts: `${unique().slice(0, 10)}.123456` };
  const blocks = options.blocks ?? [base.message.blocks[0], { ...base.message.blocks[1], elements: [{ ...base.message.blocks[1].elements[0], value: command }] }];
  return {
    ...base,
    user: { ...base.user, id: who.userId, team_id: who.teamId },
    team: { ...base.team, id: who.teamId },
    channel: { ...base.channel, id: who.channelId ?? base.channel.id },
    container: { ...base.container, message_ts: ts, channel_id: who.channelId ?? base.channel.id },
    message: { ...base.message, ts, ...(options.text ? { text: options.text } : {}), blocks },
    trigger_id: `${unique()}.1234567890123.1123456789abcdef`,
    actions: [action],
    ...(options.responseUrl ? { response_url: options.responseUrl } : {}),
  };
}

/** A modal submission: `view` is what views.open was given; `values` by block id, as Slack sends state. */
export function viewSubmission(who: Who, view: Record<string, any>, values: Record<string, string | undefined>) {
  const base = fixture<Record<string, any>>("view-submission");
  const state: Record<string, Record<string, unknown>> = {};
  for (const block of view.blocks as { type: string; block_id: string; element: { type: string; action_id: string } }[]) {
    if (block.type !== "input") continue;
    const v = values[block.block_id];
    const el = block.element;
    state[block.block_id] = {
      [el.action_id]:
        el.type === "datepicker" ? { type: el.type, selected_date: v ?? null }
        : el.type === "static_select" ? { type: el.type, selected_option: v ? { text: { type: "plain_text", text: v }, value: v } : null }
        : { type: el.type, value: v ?? null },
    };
  }
  return {
    ...base,
    team: { ...base.team, id: who.teamId },
    user: { ...base.user, id: who.userId, team_id: who.teamId },
    trigger_id: `${unique()}.1234567890123.2123456789abcdef`,
    view: { ...base.view, ...view, id: base.view.id, state: { values: state } },
  };
}

export function appMention(who: Who, text: string, botUserId: string) {
  const base = fixture<Record<string, any>>("app-mention");
  const ts = `${unique().slice(0, 10)}.000200`;
  return {
    ...base,
    team_id: who.teamId,
    event_id: `Ev${unique()}`,
    event: { ...base.event, user: who.userId, team: who.teamId, channel: who.channelId ?? base.event.channel, text: `<@${botUserId}> ${text}`, ts, event_ts: ts },
    authorizations: [{ ...base.authorizations[0], team_id: who.teamId, user_id: botUserId }],
  };
}

export function directMessage(who: Who, text: string, dmChannel = "D0KAMDM01") {
  const base = fixture<Record<string, any>>("message-im");
  const ts = `${unique().slice(0, 10)}.000300`;
  return {
    ...base,
    team_id: who.teamId,
    event_id: `Ev${unique()}`,
    event: { ...base.event, user: who.userId, team: who.teamId, channel: dmChannel, text, ts, event_ts: ts },
  };
}

export function appHomeOpened(who: Who) {
  const base = fixture<Record<string, any>>("app-home-opened");
  return { ...base, team_id: who.teamId, event_id: `Ev${unique()}`, event: { ...base.event, user: who.userId } };
}
