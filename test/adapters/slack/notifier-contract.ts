import { expect, it } from "vitest";
import type { DeliveryResult, Notifier, OutgoingMessage } from "../../../src/core/notifier.ts";

/**
 * The contract every Notifier (Slack, Teams, in-memory) must pass. A platform supplies a harness
 * that can deliver, make the next delivery fail in each way, and count the deliveries it saw.
 * (Kept here until a shared home under test/support exists; it has no Slack in it.)
 */
export interface NotifierHarness {
  notifier: Notifier;
  /** A target that accepts messages. */
  target: string;
  organizationId: string;
  /** The next delivery fails: rate limited for `seconds`, a server error, or a permanent reason. */
  failNext(kind: "rate_limited" | "server_error" | "gone", seconds?: number): void;
  /** Deliveries the platform saw so far. */
  deliveries(): number;
  /** The text the platform got in the last delivery (all of it, blocks included). */
  lastText(): string;
}

export function notifierContract(get: () => NotifierHarness): void {
  const message = (h: NotifierHarness, text = "Invoice 4711 is 12 days overdue"): OutgoingMessage => ({
    organizationId: h.organizationId,
    platform: h.notifier.platform,
    target: h.target,
    reply: { ok: true, visibility: "channel", summary: text, blocks: [{ kind: "text", text, tone: "warning" }] },
    mentions: [],
  });

  it("delivers once and returns an external id", async () => {
    const h = get();
    const before = h.deliveries();
    const result = await h.notifier.send(message(h));
    expect(result.ok).toBe(true);
    expect((result as { externalId?: string }).externalId).toBeTruthy();
    expect(h.deliveries()).toBe(before + 1);
    expect(h.lastText()).toContain("Invoice 4711");
  });

  it("reports a rate limit with the wait, without retrying by itself", async () => {
    const h = get();
    h.failNext("rate_limited", 7);
    const before = h.deliveries();
    const result = await h.notifier.send(message(h));
    expect(result).toMatchObject({ ok: false, kind: "rate_limited", retryAfterMs: 7000 });
    expect(h.deliveries()).toBe(before + 1);
  });

  it("reports server errors as transient, without retrying by itself", async () => {
    const h = get();
    h.failNext("server_error");
    const before = h.deliveries();
    const result: DeliveryResult = await h.notifier.send(message(h));
    expect(result).toMatchObject({ ok: false, kind: "transient" });
    expect(h.deliveries()).toBe(before + 1);
  });

  it("reports a target that is gone as permanent", async () => {
    const h = get();
    h.failNext("gone");
    const result = await h.notifier.send(message(h));
    expect(result).toMatchObject({ ok: false, kind: "permanent" });
    expect((result as { error: string }).error).toBeTruthy();
  });

  it("never lets message text mention anyone by itself", async () => {
    const h = get();
    const result = await h.notifier.send(message(h, "Account <!channel> <@U0ALL> & co"));
    expect(result.ok).toBe(true);
    expect(h.lastText()).not.toMatch(/<!channel>|<@U0ALL>/);
  });
}
