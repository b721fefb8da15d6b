import type { Activity } from "botbuilder";

export type ActivityVerdict = { ok: true; activity: Activity } | { ok: false; reason: string };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const nonEmpty = (v: unknown): v is string => typeof v === "string" && v.length > 0 && v.length <= 1024;

/**
 * What kam needs of every activity before it authenticates or runs anything: a type, the
 * conversation it belongs to and who sent it. Without them the bot would fail halfway, after
 * having created an organization and a member.
 */
export function validActivity(body: unknown): ActivityVerdict {
  if (!isObject(body)) return { ok: false, reason: "body is not an activity object" };
  if (!nonEmpty(body.type)) return { ok: false, reason: "activity without a type" };
  if (!isObject(body.conversation) || !nonEmpty(body.conversation.id)) return { ok: false, reason: "activity without a conversation" };
  if (!isObject(body.from) || !nonEmpty(body.from.id)) return { ok: false, reason: "activity without a sender" };
  if (body.recipient !== undefined && !isObject(body.recipient)) return { ok: false, reason: "malformed recipient" };
  if (body.channelData !== undefined && body.channelData !== null && !isObject(body.channelData)) return { ok: false, reason: "malformed channelData" };
  // As botbuilder's own request handling does: timestamps as dates, the raw text kept.
  const activity = { ...body } as Record<string, unknown>;
  for (const [field, raw] of [["timestamp", "rawTimestamp"], ["expiration", "rawExpiration"], ["localTimestamp", "rawLocalTimestamp"]] as const) {
    if (typeof activity[field] === "string") {
      activity[raw] = activity[field];
      activity[field] = new Date(activity[field] as string);
    }
  }
  return { ok: true, activity: activity as unknown as Activity };
}
