import { createHmac, timingSafeEqual } from "node:crypto";
import { parse as parseQuery } from "node:querystring";
import express, { type RequestHandler } from "express";
import type { Logger } from "../../logger.ts";

/** Slack's limit on a request's age; Bolt checks only the past, so a request signed for later would do forever. */
export const MAX_SKEW_S = 5 * 60;
/** Bolt's own body limit. */
const BODY_LIMIT = 4 * 1024 * 1024;

type Verdict = { ok: true } | { ok: false; status: 400 | 401; reason: string };

function signed(secret: string, timestamp: string, body: Buffer, signature: string): boolean {
  const expected = Buffer.from(`v0=${createHmac("sha256", secret).update(`v0:${timestamp}:`).update(body).digest("hex")}`);
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const isObject = (v: unknown): v is Record<string, any> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Interactivity payloads: always from a user (Bolt reads user.id, or user.team_id without a team). */
const INTERACTIONS = new Set([
  "block_actions",
  "block_suggestion",
  "view_submission",
  "view_closed",
  "shortcut",
  "message_action",
  "interactive_message",
  "dialog_submission",
  "dialog_cancellation",
  "dialog_suggestion",
  "workflow_step_edit",
]);

/**
 * Why Bolt could not read a body, or null when it can. Bolt dereferences the body before any
 * listener runs (req.body.type, event.user.id when user is an object, the channel's creator, an
 * action's user.id …) and answers a null there with a 500 and a stack trace.
 */
export function unreadable(value: unknown): string | null {
  if (!isObject(value)) return "body is not an object";
  if (value.type === "event_callback") {
    const event = value.event;
    if (!isObject(event)) return "event is not an object";
    if ("user" in event && typeof event.user !== "string" && !isObject(event.user)) return "event user is not a user";
    if ("channel" in event && typeof event.channel !== "string" && !isObject(event.channel)) return "event channel is not a channel";
    if ("subteam" in event && !isObject(event.subteam)) return "event subteam is not a subteam";
    if ("authorizations" in value && !Array.isArray(value.authorizations)) return "authorizations is not a list";
    return null;
  }
  if (typeof value.type === "string" && INTERACTIONS.has(value.type)) {
    if (!isObject(value.user)) return "interaction without a user";
    if (value.type.startsWith("view_") && !isObject(value.view)) return "view interaction without a view";
  }
  return null;
}

/** The body as Bolt will parse it (src: Bolt's parseRequestBody), and why it could not use it. */
function shapeProblem(body: string, contentType: string | undefined): string | null {
  try {
    if (contentType === "application/x-www-form-urlencoded") {
      const form = parseQuery(body);
      return typeof form.payload === "string" ? unreadable(JSON.parse(form.payload)) : null;
    }
    return unreadable(JSON.parse(body));
  } catch {
    return "body is not JSON";
  }
}

export function verifySlackRequest(secret: string, headers: Record<string, string | string[] | undefined>, body: Buffer, now: Date): Verdict {
  const signature = headers["x-slack-signature"];
  const timestamp = headers["x-slack-request-timestamp"];
  if (typeof signature !== "string" || typeof timestamp !== "string") return { ok: false, status: 401, reason: "signature headers missing" };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, status: 401, reason: "timestamp invalid" };
  const skew = Math.floor(now.getTime() / 1000) - Number(timestamp);
  if (Math.abs(skew) > MAX_SKEW_S) return { ok: false, status: 401, reason: skew > 0 ? "timestamp too old" : "timestamp in the future" };
  if (!signed(secret, timestamp, body, signature)) return { ok: false, status: 401, reason: "signature mismatch" };
  const problem = shapeProblem(body.toString("utf8"), headers["content-type"] as string | undefined);
  if (problem) return { ok: false, status: 400, reason: problem };
  return { ok: true };
}

/**
 * Checks Slack's request signature against the app's clock (so tests can set it), in both
 * directions, and that a signed body is something Bolt can read. Mounted before Bolt's receiver,
 * whose own check is off: it would read the clock of the machine, and only into the past.
 * Bolt then parses the raw body this middleware read (req.rawBody).
 */
export function slackRequestVerifier(options: { signingSecret: string; now: () => Date; logger: Logger }): RequestHandler[] {
  const raw = express.raw({ type: () => true, limit: BODY_LIMIT });
  const check: RequestHandler = (req, res, next) => {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const verdict = verifySlackRequest(options.signingSecret, req.headers, body, options.now());
    if (!verdict.ok) {
      options.logger.warn({ reason: verdict.reason }, "slack: request refused");
      res.status(verdict.status).end();
      return;
    }
    (req as typeof req & { rawBody?: Buffer }).rawBody = body;
    next();
  };
  return [raw, check];
}
