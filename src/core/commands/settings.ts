import { z } from "zod";
import { changeSettings, isTimeZone, listedTimeZone, settingsSchema } from "../../domain/organizations.ts";
import { setMemberPreferences } from "../../domain/members.ts";
import { checkSettings } from "../../domain/rules/settings.ts";
import { isWord, joinTokens, type Token } from "../grammar/tokens.ts";
import { fields, heading, reply, text } from "../replies.ts";
import type { CommandContext } from "../context.ts";
import { translator } from "../i18n/index.ts";
import { weekdayName } from "../messages/format.ts";
import { integer, oneOf, rejectExtra } from "./args.ts";
import { defineCommand, UsageError } from "./command.ts";

const LANGUAGES = { en: "en", english: "en", englisch: "en", de: "de", german: "de", deutsch: "de" } as const;
const DELIVERY = { dm: "DIRECT", direct: "DIRECT", channel: "CHANNEL", kanal: "CHANNEL" } as const;
/** Each weekday's names (Sunday first); a day is any start of one of them of two letters or more ("mo", "mon", "montag"). */
const WEEKDAY_WORDS = [
  ["sunday", "sonntag"], ["monday", "montag"], ["tuesday", "dienstag"], ["wednesday", "mittwoch"],
  ["thursday", "donnerstag"], ["friday", "freitag"], ["saturday", "samstag"],
];
const WEEKDAY_NAMES = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

function timeZone(tokens: Token[]): string {
  const zone = joinTokens(tokens);
  if (!zone || !isTimeZone(zone)) throw new UsageError("settings.badTimeZone", { text: zone });
  return listedTimeZone(zone);
}

function weekday(token: Token | undefined): number {
  const word = (token?.text ?? "").toLowerCase().replace(/\.$/, "");
  const matches = word.length >= 2 ? WEEKDAY_WORDS.flatMap((names, d) => (names.some((n) => n.startsWith(word)) ? [d] : [])) : [];
  // "s" or "sa" alone could be two days; only one reading is taken.
  if (matches.length !== 1) throw new UsageError("usage.badChoice", { what: "weekday", text: token?.text ?? "", choices: WEEKDAY_NAMES.join(", ") });
  return matches[0]!;
}

/** "mon-fri", "Montag - Freitag", "mon,tue,thu", "mon tue thu" */
function weekdays(tokens: Token[]): number[] {
  const text = joinTokens(tokens).toLowerCase().replace(/\s*-\s*/g, "-").trim();
  const range = /^([a-zäöüß.]+)-([a-zäöüß.]+)$/.exec(text);
  if (range) {
    const from = weekday({ text: range[1]!, quoted: false });
    const to = weekday({ text: range[2]!, quoted: false });
    const days: number[] = [];
    for (let d = from; ; d = (d + 1) % 7) {
      days.push(d);
      if (d === to) break;
    }
    return days;
  }
  return [...new Set(text.split(/[\s,;]+/).filter(Boolean).map((w) => weekday({ text: w, quoted: false })))];
}

/** An hour of the day, as "22", "22:00" or "7:00"; kam keeps whole hours. */
function hour(token: Token | undefined): number {
  const m = token ? /^(\d{1,2})(?:[:.h](\d{2}))?h?$/i.exec(token.text) : null;
  if (m && m[2] !== undefined && m[2] !== "00") throw new UsageError("settings.wholeHours", { text: token!.text });
  return integer(m ? m[1] : token?.text, "hour", 0, 23);
}

const hh = (h: number) => `${String(h).padStart(2, "0")}:00`;

const personal = z.discriminatedUnion("setting", [
  z.object({ setting: z.literal("language"), locale: z.enum(["en", "de"]) }),
  z.object({ setting: z.literal("timezone"), timeZone: z.string().refine(isTimeZone) }),
  z.object({ setting: z.literal("deliver"), deliverVia: z.enum(["DIRECT", "CHANNEL"]) }),
]);

function describe(ctx: CommandContext) {
  const o = ctx.organization;
  return fields([
    { label: ctx.t("field.language"), value: `${ctx.t(`settings.language.${ctx.locale}`)} (${ctx.t("settings.yours")})` },
    { label: ctx.t("field.timezone"), value: `${ctx.timeZone} (${ctx.t("settings.yours")})` },
    { label: ctx.t("field.deliver"), value: ctx.t(`settings.deliver.${ctx.member.deliverVia}`) },
    { label: ctx.t("field.reminders"), value: `${String(o.reminderHour).padStart(2, "0")}:00 (${o.timeZone})` },
    { label: ctx.t("field.digest"), value: `${weekdayName(ctx.locale, o.digestWeekday)} ${String(o.digestHour).padStart(2, "0")}:00 → ${ctx.t(`settings.digestTarget.${o.digestTarget}`)}` },
    { label: ctx.t("field.quiet"), value: `${hh(o.quietStartHour)}–${hh(o.quietEndHour)} (${o.timeZone})` },
    { label: ctx.t("field.workdays"), value: o.workingDays.map((d) => weekdayName(ctx.locale, d)).join(", ") },
    { label: ctx.t("field.checks"), value: o.checkCron },
    { label: ctx.t("field.enablement"), value: ctx.t("settings.enablementDays", { count: checkSettings(o.settings).enablementDays }) },
    { label: ctx.t("field.currency"), value: o.currency },
  ]);
}

export const settingsShow = defineCommand({
  name: "settings.show",
  words: ["settings"],
  topic: "settings",
  writes: false,
  schema: z.object({}),
  parse(args) {
    rejectExtra(args);
    return {};
  },
  async run(ctx) {
    const title = ctx.t("settings.title");
    return reply(title, [heading(title), describe(ctx), text(ctx.t("help.more.settings"), "muted")]);
  },
});

function personalCommand(name: "language" | "timezone" | "deliver") {
  return defineCommand({
    name: `settings.${name}`,
    words: ["settings", name],
    topic: "settings",
    writes: false,
    changesContext: true,
    schema: personal,
    parse(args) {
      if (name === "language") return { setting: name, locale: oneOf(args[0], LANGUAGES, "language") };
      if (name === "timezone") return { setting: name, timeZone: timeZone(args) };
      return { setting: name, deliverVia: oneOf(args[0], DELIVERY, "deliver") };
    },
    async run(ctx, input) {
      const { setting, ...prefs } = input;
      const member = await setMemberPreferences(ctx.deps.db, ctx.actor, prefs);
      // Answer in the language just chosen.
      const t = setting === "language" ? translator(input.locale) : ctx.t;
      const summary =
        setting === "language" ? t("settings.changedLanguage", { language: t(`settings.language.${input.locale}`) })
        : setting === "timezone" ? t("settings.changedTimezone", { zone: member.timeZone! })
        : t("settings.changedDeliver", { value: t(`settings.deliverTo.${member.deliverVia}`) });
      return reply(summary, [text(summary, "success")]);
    },
  });
}

export const settingsLanguage = personalCommand("language");
export const settingsTimezone = personalCommand("timezone");
export const settingsDeliver = personalCommand("deliver");

export const settingsOrg = defineCommand({
  name: "settings.org",
  words: ["settings", "org"],
  topic: "settings",
  writes: true,
  schema: settingsSchema,
  parse(args) {
    const [first, ...rest] = args;
    const which = first?.text.toLowerCase();
    switch (which) {
      case "timezone":
        return { setting: "timezone", value: timeZone(rest) };
      case "language":
        rejectExtra(rest.slice(1));
        return { setting: "language", value: oneOf(rest[0], LANGUAGES, "language") };
      case "currency":
        rejectExtra(rest.slice(1));
        return { setting: "currency", value: (rest[0]?.text ?? "").toUpperCase() };
      case "reminders":
        rejectExtra(rest.slice(1).filter((t) => !isWord(t, "uhr")));
        return { setting: "reminders", hour: hour(rest[0]) };
      case "digest":
        rejectExtra(rest.slice(3));
        return {
          setting: "digest",
          weekday: weekday(rest[0]),
          hour: hour(rest[1]),
          ...(rest[2] ? { target: oneOf(rest[2], DELIVERY, "deliver") } : {}),
        };
      case "quiet":
        rejectExtra(rest.slice(2));
        return { setting: "quiet", startHour: hour(rest[0]), endHour: hour(rest[1]) };
      case "workdays":
        return { setting: "workdays", days: weekdays(rest) };
      case "checks":
        return { setting: "checks", cron: joinTokens(rest) };
      case "enablement":
        rejectExtra(rest.slice(1).filter((t) => !["days", "day", "tage", "tag"].includes(t.text.toLowerCase())));
        return { setting: "enablement", days: integer(rest[0]?.text, "days", 1, 365) };
      default:
        throw new UsageError("usage.badChoice", { what: "setting", text: first?.text ?? "", choices: "timezone, language, currency, reminders, digest, quiet, workdays, checks, enablement" });
    }
  },
  async run(ctx, input) {
    const org = await changeSettings(ctx.deps.db, ctx.actor, input);
    const setting = ctx.t(`field.${input.setting}`, { defaultValue: input.setting });
    const summary =
      input.setting === "timezone" ? ctx.t("settings.orgTimeZone", { zone: org.timeZone })
      : input.setting === "quiet" ? ctx.t("settings.orgQuiet", { from: hh(org.quietStartHour), to: hh(org.quietEndHour), zone: org.timeZone })
      : ctx.t("settings.orgChanged", { setting });
    // Shown as the organization now is: a member without a zone of their own follows the new one.
    const zone = input.setting === "timezone" && !ctx.member.timeZone ? org.timeZone : ctx.timeZone;
    return reply(summary, [text(summary, "success"), describe({ ...ctx, organization: org, timeZone: zone })]);
  },
});
