import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DeferredJournal, pendingIn, type JournalNote } from "../../../src/adapters/slack/deferred-journal.ts";
import type { ChatRequest } from "../../../src/core/request.ts";

const note = (key: string): JournalNote => ({
  key,
  request: { organizationId: "org", memberId: "m", platform: "SLACK", channelId: "C1", text: `order log ACME 1 BOLT-10 po ${key}`, idempotencyKey: key } as ChatRequest,
  responseUrl: `http://127.0.0.1:1/response/${key}`,
  direct: false,
  createdAt: "2026-03-02T10:00:00.000Z",
});

describe("DeferredJournal", () => {
  let dir: string;
  let path: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "kam-journal-"));
    path = join(dir, "slack-deferred.jsonl");
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("keeps appended notes until they are marked done, across a restart", () => {
    const first = DeferredJournal.open(path);
    expect(first.leftOver).toEqual([]);
    first.append([note("a"), note("b")]);
    first.append([note("c")]);
    first.done(["b"]);
    expect(first.pending).toBe(2);
    // Killed here: nothing closes the file.
    const second = DeferredJournal.open(path);
    expect(second.leftOver).toEqual([note("a"), note("c")]);
    second.done(["a", "c"]);
    second.close();
    first.close();
    const third = DeferredJournal.open(path);
    expect(third.leftOver).toEqual([]);
    third.close();
  });

  it("writes a burst's notes with one line each and one write", () => {
    const journal = DeferredJournal.open(path);
    journal.append([note("a"), note("b"), note("c")]);
    const lines = readFileSync(path, "utf8").split("\n").filter(Boolean);
    expect(lines.map((line) => (JSON.parse(line) as { note: JournalNote }).note.key)).toEqual(["a", "b", "c"]);
    journal.close();
  });

  it("ignores a torn last line, and appends after it on a line of its own", () => {
    const journal = DeferredJournal.open(path);
    journal.append([note("a")]);
    journal.close();
    // A process killed in the middle of writing note b's line.
    const whole = JSON.stringify({ note: note("b") });
    appendFileSync(path, whole.slice(0, whole.length / 2));
    expect(pendingIn(readFileSync(path, "utf8")).map((n) => n.key)).toEqual(["a"]);

    const reopened = DeferredJournal.open(path);
    expect(reopened.leftOver.map((n) => n.key)).toEqual(["a"]);
    reopened.append([note("c")]);
    reopened.close();
    const last = DeferredJournal.open(path);
    expect(last.leftOver.map((n) => n.key)).toEqual(["a", "c"]);
    last.close();
  });

  it("skips lines that are not its own, and done marks for notes it never had", () => {
    const text = ["garbage", JSON.stringify({ done: ["x"] }), JSON.stringify({ note: note("a") }), JSON.stringify({ other: 1 }), ""].join("\n");
    expect(pendingIn(text).map((n) => n.key)).toEqual(["a"]);
  });

  it("compacts: a restart keeps only pending notes, and an idle journal past its limit is emptied", () => {
    const journal = DeferredJournal.open(path, { compactBytes: 2_000 });
    for (let i = 0; i < 10; i++) {
      journal.append([note(`k${i}`)]);
      if (i !== 4) journal.done([`k${i}`]);
    }
    // k4 is still pending: nothing is dropped however large the file is.
    expect(journal.bytes).toBeGreaterThan(2_000);
    expect(pendingIn(readFileSync(path, "utf8")).map((n) => n.key)).toEqual(["k4"]);
    journal.done(["k4"]);
    expect(journal.bytes).toBe(0);
    expect(readFileSync(path, "utf8")).toBe("");
    // Appends after the truncation land at the start of the file.
    journal.append([note("late")]);
    expect(pendingIn(readFileSync(path, "utf8")).map((n) => n.key)).toEqual(["late"]);
    journal.close();

    // At open the file is rewritten with its pending notes only.
    writeFileSync(path, [note("x"), note("y")].map((n) => JSON.stringify({ note: n })).join("\n") + "\n" + JSON.stringify({ done: ["x", "late"] }) + "\n");
    const reopened = DeferredJournal.open(path);
    expect(readFileSync(path, "utf8")).toBe(JSON.stringify({ note: note("y") }) + "\n");
    reopened.close();
  });
});
