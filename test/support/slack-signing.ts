import { createHmac } from "node:crypto";

/**
 * Signs a request body exactly as Slack does: `v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{body}`
 * with the signing secret, in X-Slack-Signature, and the timestamp in X-Slack-Request-Timestamp.
 */
export function slackSignature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac("sha256", secret).update(`v0:${timestamp}:${body}`).digest("hex")}`;
}

export interface SignedRequest {
  body: string;
  headers: Record<string, string>;
}

export type Encoding = "form" | "payload" | "json";

/**
 * A request as Slack sends it: slash commands form-encoded, interactivity as a form field
 * `payload` holding JSON, Events API as JSON.
 */
export function signedRequest(
  secret: string,
  data: Record<string, unknown>,
  encoding: Encoding,
  options: { timestamp?: number; retryNum?: number; retryReason?: string } = {},
): SignedRequest {
  const body =
    encoding === "json" ? JSON.stringify(data)
    : encoding === "payload" ? new URLSearchParams({ payload: JSON.stringify(data) }).toString()
    : new URLSearchParams(Object.entries(data).map(([k, v]): [string, string] => [k, String(v)])).toString();
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  return {
    body,
    headers: {
      "content-type": encoding === "json" ? "application/json" : "application/x-www-form-urlencoded",
      "x-slack-request-timestamp": String(timestamp),
      "x-slack-signature": slackSignature(secret, timestamp, body),
      ...(options.retryNum !== undefined ? { "x-slack-retry-num": String(options.retryNum), "x-slack-retry-reason": options.retryReason ?? "http_timeout" } : {}),
    },
  };
}

/** POSTs a signed request to kam's /slack/events. */
export async function postSigned(url: string, request: SignedRequest): Promise<{ status: number; text: string; json: unknown; ms: number }> {
  const started = performance.now();
  const res = await fetch(url, { method: "POST", headers: request.headers, body: request.body });
  const text = await res.text();
  const ms = performance.now() - started;
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  return { status: res.status, text, json, ms };
}
