import { z } from "zod";
import { acknowledgeFlag, listFlags, muteAccount, resolveFlag, showFlag, snoozeFlag } from "../../domain/flags.ts";
import * as limits from "../../domain/limits.ts";
import { flagChangedReply, flagReply, flagsReply } from "../messages/flags.ts";
import { isWord, joinTokens } from "../grammar/tokens.ts";
import { duration, rejectExtra } from "./args.ts";
import { defineCommand, UsageError } from "./command.ts";

export const flags = defineCommand({
  name: "flags",
  words: ["flags"],
  topic: "flags",
  writes: false,
  schema: z.object({ account: limits.reference.optional(), scope: z.enum(["open", "all"]) }),
  parse(args, ctx) {
    const all = isWord(args.at(-1), "all");
    const account = joinTokens(all ? args.slice(0, -1) : args) || ctx.boundAccount?.id;
    return { scope: all ? "all" : "open", ...(account ? { account } : {}) };
  },
  async run(ctx, input) {
    return flagsReply(await listFlags(ctx.deps.db, ctx.actor, input), ctx.locale, ctx.timeZone);
  },
});

const flagRef = z.object({ flag: limits.reference });

function oneFlag(args: Parameters<typeof rejectExtra>[0]) {
  if (args.length === 0) throw new UsageError("usage.missing", { what: "flag" });
  rejectExtra(args.slice(1));
  return { flag: args[0]!.text };
}

export const flagShow = defineCommand({
  name: "flag.show",
  words: ["flag", "show"],
  topic: "flags",
  writes: false,
  schema: flagRef,
  parse: oneFlag,
  async run(ctx, input) {
    return flagReply(await showFlag(ctx.deps.db, ctx.actor, input), ctx.locale, ctx.timeZone);
  },
});

/** `flag ack <n>` and `flag resolve <n>`: one flag changes state. */
function flagChange(word: "ack" | "resolve", change: typeof acknowledgeFlag, kind: "acknowledged" | "resolved") {
  return defineCommand({
    name: `flag.${word}`,
    words: ["flag", word],
    topic: "flags",
    writes: true,
    schema: flagRef,
    parse: oneFlag,
    async run(ctx, input) {
      const flag = await change(ctx.deps.db, ctx.actor, input);
      return flagChangedReply({ kind, flag }, ctx.locale, ctx.timeZone);
    },
  });
}

export const flagAck = flagChange("ack", acknowledgeFlag, "acknowledged");
export const flagResolve = flagChange("resolve", resolveFlag, "resolved");

export const flagSnooze = defineCommand({
  name: "flag.snooze",
  words: ["flag", "snooze"],
  topic: "flags",
  writes: true,
  schema: z.object({ flag: limits.reference, until: z.date() }),
  parse(args, ctx) {
    if (args.length < 2) throw new UsageError("usage.missing", { what: args.length ? "duration" : "flag" });
    return { flag: args[0]!.text, until: new Date(ctx.now.getTime() + duration(args.slice(1))) };
  },
  async run(ctx, input) {
    const flag = await snoozeFlag(ctx.deps.db, ctx.actor, input);
    return flagChangedReply({ kind: "snoozed", flag }, ctx.locale, ctx.timeZone);
  },
});

export const flagMute = defineCommand({
  name: "flag.mute",
  words: ["flag", "mute"],
  topic: "flags",
  writes: true,
  schema: z.object({ account: limits.reference, until: z.date() }),
  parse(args, ctx) {
    // The duration is the last one or two words ("1w", "2 weeks").
    for (const take of [1, 2]) {
      if (args.length < take) break;
      let ms: number | null = null;
      try {
        ms = duration(args.slice(-take));
      } catch {
        continue;
      }
      const account = joinTokens(args.slice(0, -take)) || ctx.boundAccount?.id;
      if (!account) throw new UsageError("usage.missing", { what: "account" });
      return { account, until: new Date(ctx.now.getTime() + ms) };
    }
    throw new UsageError("usage.badDuration", { text: joinTokens(args.slice(-1)) });
  },
  async run(ctx, input) {
    const muted = await muteAccount(ctx.deps.db, ctx.actor, input);
    return flagChangedReply({ kind: "muted", account: muted.account, mutedUntil: muted.mutedUntil }, ctx.locale, ctx.timeZone);
  },
});
