import { z } from "zod";
import {
  cancelTraining, cancelTrainingInput, completeTraining, completeTrainingInput, listTrainings, MAX_PEOPLE, moveTraining, moveTrainingInput,
  planTraining, planTrainingInput, showTraining, showTrainingInput, upcomingTrainings,
} from "../../domain/trainings.ts";
import * as limits from "../../domain/limits.ts";
import type { CommandContext } from "../context.ts";
import { clauses, isWord, joinProse, joinTokens, type Token } from "../grammar/tokens.ts";
import { trainingPlace, trainingWhen } from "../messages/training-format.ts";
import type { Block, Button, Form, FormField, Reply } from "../reply.ts";
import { fields, heading, reply, table, text } from "../replies.ts";
import { accountAndText, comingMoment, integer, rejectExtra } from "./args.ts";
import { defineCommand, UsageError, type FormValues } from "./command.ts";
import { takeVersion } from "./corrections.ts";
import { accountOptions, value } from "./form-helpers.ts";

/**
 * `training plan|list|show|done|move|cancel`: trainings of the customer's end users (T-5), with
 * German words beside the English ones (am, für, ort, bis, teilgenommen, bewertung, grund …).
 */

type TrainingView = {
  number: number;
  version: number;
  topic: string;
  startsAt: Date;
  status: string;
  people: number | null;
  online: boolean;
  place: string | null;
  attended: number | null;
  rating: number | null;
  notes: string | null;
  cancelReason: string | null;
  account: { name: string };
  trainer: { displayName: string } | null;
  products?: { product: { sku: string } }[];
};

const ref = (t: { number: number }) => `T-${t.number}`;
const when = (ctx: CommandContext, at: Date) => trainingWhen(ctx.locale, ctx.timeZone, at);
const PEOPLE_WORDS = ["people", "persons", "participants", "personen", "leute", "teilnehmer", "teilnehmende"];

function formReply(form: Form): Reply {
  return { ok: true, visibility: "caller", summary: form.title, blocks: [{ kind: "form", form }] };
}

/** Done, Move and Cancel for a planned training (the reminder carries the same three). */
export function trainingButtons(ctx: CommandContext, t: { number: number; version?: number; status: string }): Button[] {
  if (t.status !== "PLANNED") return [];
  const version = t.version ? ` version ${t.version}` : "";
  return [
    { label: ctx.t("trainings:button.done"), command: `training done ${ref(t)}${version}`, style: "primary" },
    { label: ctx.t("trainings:button.move"), command: `training move ${ref(t)}${version}` },
    {
      label: ctx.t("trainings:button.cancel"),
      command: `training cancel ${ref(t)}${version}`,
      style: "danger",
      confirm: { title: ctx.t("trainings:confirm.cancelTitle", { ref: ref(t) }), text: ctx.t("trainings:confirm.cancelText", { ref: ref(t) }), yes: ctx.t("trainings:confirm.cancelYes"), no: ctx.t("button.keep") },
    },
  ];
}

function detailFields(ctx: CommandContext, t: TrainingView): Block {
  const place = trainingPlace(ctx.t, t);
  return fields([
    { label: ctx.t("field.account"), value: t.account.name },
    { label: ctx.t("field.startsAt"), value: when(ctx, t.startsAt) },
    { label: ctx.t("field.status"), value: ctx.t(`trainings:trainingStatus.${t.status}`) },
    t.trainer && { label: ctx.t("field.trainer"), value: t.trainer.displayName },
    place && { label: ctx.t("field.place"), value: place },
    t.people !== null && { label: ctx.t("field.people"), value: ctx.fmt.number(t.people) },
    t.attended !== null && { label: ctx.t("field.attended"), value: ctx.fmt.number(t.attended) },
    t.rating !== null && { label: ctx.t("field.rating"), value: ctx.t("trainings:training.ratingValue", { rating: t.rating }) },
    !!t.products?.length && { label: ctx.t("field.products"), value: t.products.map((p) => p.product.sku).join(", ") },
    t.notes && { label: ctx.t("field.notes"), value: t.notes },
    t.cancelReason && { label: ctx.t("field.cancelReason"), value: t.cancelReason },
  ]);
}

function trainingReply(ctx: CommandContext, key: string, t: TrainingView, params: Record<string, string> = {}): Reply {
  const summary = ctx.t(key, { ref: ref(t), topic: t.topic, account: t.account.name, when: when(ctx, t.startsAt), ...params });
  return reply(summary, [text(summary, "success"), detailFields(ctx, t)], trainingButtons(ctx, t));
}

/** The training's day as the form's date field shows it, and its time, in the reader's zone. */
function localParts(ctx: CommandContext, at: Date): { date: string; time: string } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-CA", { timeZone: ctx.timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return { date: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}` };
}

const str = (values: FormValues, name: string) => String((Array.isArray(values[name]) ? values[name]![0] : values[name]) ?? "").trim();
const words = (s: string): Token[] => (s ? s.split(/\s+/).map((w) => ({ text: w, quoted: false })) : []);

/** The date and time fields of a form as one moment still to come. */
function formMoment(values: FormValues, ctx: CommandContext): Date {
  const date = str(values, "date");
  if (!date) throw new UsageError("usage.missing", { what: "date" }, "date");
  return comingMoment([...words(date), ...words(str(values, "time"))], ctx, "startsAt", "date");
}

function planForm(ctx: CommandContext, values: FormValues = {}): Promise<Form> {
  return accountOptions(ctx).then((accounts) => ({
    id: "training.plan",
    title: ctx.t("trainings:form.planTitle"),
    submitLabel: ctx.t("trainings:form.submitPlan"),
    errors: {},
    fields: [
      { name: "account", label: ctx.t("field.account"), type: "select", required: true, options: accounts, ...value(values, "account", ctx.boundAccount?.id) },
      { name: "topic", label: ctx.t("field.topic"), type: "text", required: true, ...value(values, "topic") },
      { name: "date", label: ctx.t("field.date"), type: "date", required: true, ...value(values, "date") },
      { name: "time", label: ctx.t("field.time"), type: "text", required: false, placeholder: "10:00", ...value(values, "time") },
      { name: "people", label: ctx.t("field.people"), type: "number", required: false, ...value(values, "people") },
      { name: "trainer", label: ctx.t("field.trainer"), type: "text", required: false, ...value(values, "trainer") },
      { name: "place", label: ctx.t("field.place"), type: "text", required: false, hint: ctx.t("trainings:form.placeHint"), ...value(values, "place") },
    ],
  }));
}

const ONLINE_WORDS = ["online", "remote", "virtuell", "virtual"];
const TIME = /^\d{1,2}([:.]\d{2}|h|am|pm)$/i;

export const trainingPlan = defineCommand({
  name: "training.plan",
  words: ["training", "plan"],
  topic: "trainings",
  writes: true,
  schema: planTrainingInput,
  parse(args, ctx) {
    // "on friday at 14:00 at Plant 2": an `at` followed by a time belongs to the date.
    const tokens = args.filter((t, i) => !(isWord(t, "at", "um") && TIME.test(args[i + 1]?.text ?? "") && i > 0));
    const { head, parts } = clauses(tokens, ["on", "am", "for", "für", "trainer", "online", "at", "ort", "products", "produkte"]);
    const dateTokens = parts.get("on") ?? parts.get("am");
    if (!dateTokens) throw new UsageError("usage.missing", { what: "startsAt" });
    const placeTokens = parts.get("at") ?? parts.get("ort");
    const { account, text: topic } = accountAndText(head, ctx, "topic");
    const input: Record<string, unknown> = { account, topic, startsAt: comingMoment(dateTokens, ctx) };
    const forTokens = parts.get("for") ?? parts.get("für");
    if (forTokens) {
      input.people = integer(forTokens[0]?.text, "people", 1, MAX_PEOPLE);
      rejectExtra(forTokens.slice(1).filter((t) => !isWord(t, ...PEOPLE_WORDS)));
    }
    if (parts.has("trainer")) {
      const trainer = joinTokens(parts.get("trainer")!);
      if (!trainer) throw new UsageError("usage.missing", { what: "trainer" });
      input.trainer = trainer;
    }
    if (parts.has("online")) {
      rejectExtra(parts.get("online")!);
      if (placeTokens) throw new UsageError("trainings:training.onlineOrPlace");
      input.online = true;
    } else if (placeTokens) {
      const place = joinProse(placeTokens);
      if (!place) throw new UsageError("usage.missing", { what: "place" });
      input.place = place;
    }
    const products = parts.get("products") ?? parts.get("produkte");
    if (products) {
      const skus = products.filter((t) => t.text !== ",").map((t) => t.text);
      if (skus.length === 0) throw new UsageError("usage.missing", { what: "products" });
      input.products = skus;
    }
    return input;
  },
  form: planForm,
  fromForm(values, ctx) {
    if (!str(values, "account")) throw new UsageError("usage.missing", { what: "account" }, "account");
    if (!str(values, "topic")) throw new UsageError("usage.missing", { what: "topic" }, "topic");
    const place = str(values, "place");
    const people = str(values, "people");
    return {
      account: str(values, "account"),
      topic: str(values, "topic"),
      startsAt: formMoment(values, ctx),
      ...(people ? { people: integer(people, "people", 1, MAX_PEOPLE) } : {}),
      ...(str(values, "trainer") ? { trainer: str(values, "trainer") } : {}),
      ...(ONLINE_WORDS.includes(place.toLowerCase()) ? { online: true } : place ? { place } : {}),
    };
  },
  formField: (path) => (path === "startsAt" ? "date" : path === "products" ? undefined : path),
  async run(ctx, input) {
    const t = await planTraining(ctx.deps.db, ctx.actor, input);
    return trainingReply(ctx, "trainings:training.planned", t);
  },
});

export const trainingList = defineCommand({
  name: "training.list",
  words: ["training", "list"],
  topic: "trainings",
  writes: false,
  schema: z.object({ account: limits.reference.optional(), scope: z.enum(["upcoming", "past"]) }),
  parse(args, ctx) {
    const last = args.at(-1);
    const scope = isWord(last, "past", "vergangen", "vergangene", "done") ? "past" : "upcoming";
    const rest = isWord(last, "past", "vergangen", "vergangene", "done", "upcoming", "kommend", "kommende", "next") ? args.slice(0, -1) : args;
    const account = joinTokens(rest) || ctx.boundAccount?.id;
    return { scope, ...(account ? { account } : {}) };
  },
  async run(ctx, input) {
    const trainings = await listTrainings(ctx.deps.db, ctx.actor, { ...input, now: ctx.now });
    const title = ctx.t(input.scope === "past" ? "trainings:training.pastTitle" : "trainings:training.upcomingTitle", { count: trainings.length });
    if (trainings.length === 0) return reply(title, [heading(title), text(ctx.t(input.scope === "past" ? "trainings:training.nonePast" : "trainings:training.noneUpcoming"), "muted")]);
    return reply(title, [
      heading(title),
      table(
        [ctx.t("field.training"), ctx.t("field.account"), ctx.t("field.startsAt"), ctx.t("field.trainer"), ctx.t("field.place"), ctx.t("field.status")],
        trainings.map((t) => [`${ref(t)} ${t.topic}`, t.account.name, when(ctx, t.startsAt), t.trainer?.displayName ?? "–", trainingPlace(ctx.t, t) ?? "–", ctx.t(`trainings:trainingStatus.${t.status}`)]),
      ),
    ]);
  },
});

export const trainingShow = defineCommand({
  name: "training.show",
  words: ["training", "show"],
  topic: "trainings",
  writes: false,
  schema: showTrainingInput,
  parse(args) {
    if (args.length === 0) throw new UsageError("usage.missing", { what: "training" });
    rejectExtra(args.slice(1));
    return { training: args[0]!.text };
  },
  async run(ctx, input) {
    const { training: t, changes } = await showTraining(ctx.deps.db, ctx.actor, input);
    const title = `${ref(t)} ${t.topic}`;
    return reply(title, [heading(title), detailFields(ctx, t), text(ctx.t("trainings:training.changes", { count: changes, ref: ref(t) }), "muted")], trainingButtons(ctx, t));
  },
});

export const trainingDone = defineCommand({
  name: "training.done",
  words: ["training", "done"],
  topic: "trainings",
  writes: true,
  schema: completeTrainingInput,
  parse(all) {
    const { tokens, expectedVersion } = takeVersion(all);
    if (tokens.length === 0) throw new UsageError("usage.missing", { what: "training" });
    const { head, parts } = clauses(tokens.slice(1), ["attended", "teilgenommen", "teilnehmer", "rating", "bewertung", "note"]);
    const input: Record<string, unknown> = { training: tokens[0]!.text, ...(expectedVersion ? { expectedVersion } : {}) };
    const notes: Token[] = [...head];
    const attended = parts.get("attended") ?? parts.get("teilgenommen") ?? parts.get("teilnehmer");
    if (attended) {
      input.attended = integer(attended[0]?.text, "attended", 0, MAX_PEOPLE);
      notes.push(...attended.slice(1).filter((t, i) => !(i === 0 && isWord(t, ...PEOPLE_WORDS))));
    }
    const rating = parts.get("rating") ?? parts.get("bewertung") ?? parts.get("note");
    if (rating) {
      const m = /^(\d{1,6})(?:\/5)?$/.exec(rating[0]?.text ?? "");
      input.rating = integer(m?.[1] ?? rating[0]?.text, "rating", 1, 5);
      notes.push(...rating.slice(1));
    }
    const text = joinProse(notes);
    if (text) input.notes = text;
    return input;
  },
  async run(ctx, input) {
    const t = await completeTraining(ctx.deps.db, ctx.actor, input);
    return trainingReply(ctx, "trainings:training.done", t);
  },
});

function moveForm(ctx: CommandContext, values: FormValues = {}): Promise<Form> {
  const training = str(values, "training");
  if (!training) throw new UsageError("usage.missing", { what: "training" }, "training");
  return showTraining(ctx.deps.db, ctx.actor, { training }).then(({ training: t }) => {
    const current = localParts(ctx, t.startsAt);
    const hidden = (name: string, v: string): FormField => ({ name, label: name, type: "hidden", required: false, value: v });
    return {
      id: "training.move",
      title: ctx.t("trainings:form.moveTitle", { ref: ref(t), topic: t.topic }),
      submitLabel: ctx.t("form.submitChange"),
      errors: {},
      fields: [
        hidden("training", ref(t)),
        hidden("version", str(values, "version") || String(t.version)),
        { name: "date", label: ctx.t("field.date"), type: "date", required: true, ...value(values, "date", current.date) },
        { name: "time", label: ctx.t("field.time"), type: "text", required: true, placeholder: "10:00", ...value(values, "time", current.time) },
      ],
    };
  });
}

export const trainingMove = defineCommand({
  name: "training.move",
  words: ["training", "move"],
  topic: "trainings",
  writes: true,
  schema: moveTrainingInput.partial({ startsAt: true }),
  parse(all, ctx) {
    const { tokens, expectedVersion } = takeVersion(all);
    if (tokens.length === 0) throw new UsageError("usage.missing", { what: "training" });
    const rest = tokens.slice(1);
    const base = { training: tokens[0]!.text, ...(expectedVersion ? { expectedVersion } : {}) };
    // `training move T-3` alone (the Move button) opens the form with the current date and time.
    if (rest.length === 0) return base;
    if (!isWord(rest[0], "to", "auf", "nach", "on", "am")) throw new UsageError("usage.missing", { what: "startsAt" });
    return { ...base, startsAt: comingMoment(rest.slice(1), ctx) };
  },
  form: moveForm,
  fromForm(values, ctx) {
    const version = str(values, "version");
    return { training: str(values, "training"), startsAt: formMoment(values, ctx), ...(/^\d{1,9}$/.test(version) ? { expectedVersion: Number(version) } : {}) };
  },
  formField: (path) => (path === "startsAt" ? "date" : undefined),
  async run(ctx, input) {
    if (input.startsAt === undefined) return formReply(await moveForm(ctx, { training: input.training, ...(input.expectedVersion ? { version: String(input.expectedVersion) } : {}) }));
    const { training: t, previous } = await moveTraining(ctx.deps.db, ctx.actor, { ...input, startsAt: input.startsAt });
    return trainingReply(ctx, "trainings:training.moved", t, { from: when(ctx, previous) });
  },
});

export const trainingCancel = defineCommand({
  name: "training.cancel",
  words: ["training", "cancel"],
  topic: "trainings",
  writes: true,
  schema: cancelTrainingInput,
  parse(all) {
    const { tokens, expectedVersion } = takeVersion(all);
    if (tokens.length === 0) throw new UsageError("usage.missing", { what: "training" });
    const rest = isWord(tokens[1], "because", "reason", "weil", "grund") ? tokens.slice(2) : tokens.slice(1);
    const reason = joinProse(rest);
    return { training: tokens[0]!.text, ...(reason ? { reason } : {}), ...(expectedVersion ? { expectedVersion } : {}) };
  },
  async run(ctx, input) {
    const t = await cancelTraining(ctx.deps.db, ctx.actor, input);
    return trainingReply(ctx, "trainings:training.cancelled", t);
  },
});

export const TRAINING_COMMANDS = [trainingPlan, trainingList, trainingShow, trainingDone, trainingMove, trainingCancel];

/** The account's next planned trainings, for `account show` (nothing when none is planned). */
export async function upcomingTrainingBlocks(ctx: CommandContext, accountId: string): Promise<Block[]> {
  const trainings = await upcomingTrainings(ctx.deps.db, ctx.organization.id, accountId, ctx.now);
  if (trainings.length === 0) return [];
  return [
    text(ctx.t("trainings:training.accountUpcoming"), "muted"),
    { kind: "list", items: trainings.map((t) => ctx.t("trainings:training.accountLine", { ref: ref(t), topic: t.topic, when: when(ctx, t.startsAt) }) + (t.trainer ? ctx.t("trainings:digest.trainer", { trainer: t.trainer.displayName }) : "")) },
  ];
}
