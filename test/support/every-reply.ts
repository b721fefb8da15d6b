import { randomUUID } from "node:crypto";
import type { PrismaClient } from "../../src/generated/prisma/client.ts";
import type { Platform } from "../../src/generated/prisma/enums.ts";
import { handle } from "../../src/core/handler.ts";
import { COMMAND_LIST } from "../../src/core/commands/index.ts";
import type { Locale } from "../../src/core/i18n/index.ts";
import { alertSummaryReply } from "../../src/core/messages/alert-summary.ts";
import { alertsReply, digestReply, remindersReply, type AlertItem, type ReminderItem } from "../../src/core/messages/index.ts";
import type { Reply } from "../../src/core/reply.ts";
import type { ChatRequest } from "../../src/core/request.ts";
import { runChecks, runReminders, type AnnouncedItem } from "../../src/domain/checks.ts";
import { buildDigest } from "../../src/domain/digest.ts";
import { importFile } from "../../src/domain/exchange/import-file.ts";
import { seedDemo } from "../../src/db/seed-demo.ts";
import { silentLogger } from "./chat.ts";
import { TEST_NOW } from "./clock.ts";
import { trainingInvocations, trainingReminderSample } from "./every-reply-trainings.ts";

/**
 * A reply of every command (and of every message the scheduler sends), in each language, from the
 * demo organization: what the renderer checks (Adaptive Cards SDK, Block Kit types, the preview)
 * and the wording checks run over. Everything goes through the real handler, on a real database.
 */
export interface NamedReply {
  /** "order.show", "order.log.form", "alerts.ACME Holding GmbH" … unique per locale. */
  name: string;
  locale: Locale;
  /** The command name it answers (COMMAND_LIST), or "alerts" / "reminders" / "digest.job". */
  command: string;
  /** The command line or form that produced it (empty for scheduler messages). */
  input: string;
  /** Whether the invocation is meant to be refused (a usage error shown on purpose). */
  refusal: boolean;
  reply: Reply;
}

export const EVERY_REPLY_LOCALES: Locale[] = ["en", "de"];

interface Invocation {
  name: string;
  command: string;
  text?: string;
  form?: { id: string; values: Record<string, string> };
  channelId?: string;
  refusal?: boolean;
}

/** What the scheduler announced on the seeding run, kept so each locale renders the same alerts. */
interface Seeded {
  organizationId: string;
  memberId: string;
  alerts: AnnouncedItem[];
  reminders: (AnnouncedItem & { stage?: string })[];
  /** A member with a name to mention in alerts. */
  mentionMemberId: string;
}

const seeded = new WeakMap<PrismaClient, Seeded>();

/** The demo organization on this database (seeded once), checks and reminders run at TEST_NOW. */
export async function seedEveryReplyOrganization(db: PrismaClient): Promise<Seeded> {
  const known = seeded.get(db);
  if (known) return known;
  await seedDemo(db, TEST_NOW);
  const org = await db.organization.findFirstOrThrow({ where: { name: "Nordwind Industrial Supplies" } });
  const local = await db.memberIdentity.findFirstOrThrow({ where: { organizationId: org.id, platform: "TERMINAL", externalId: "local" } });
  const anna = await db.member.findFirstOrThrow({ where: { organizationId: org.id, displayName: "Anna Becker" } });
  const checks = await runChecks(db, org.id, { now: TEST_NOW });
  const reminders = await runReminders(db, org.id, { now: TEST_NOW });
  const result: Seeded = { organizationId: org.id, memberId: local.memberId, alerts: checks.announced, reminders: reminders.announced, mentionMemberId: anna.id };
  seeded.set(db, result);
  return result;
}

/** Open things of the seeded organization, so each locale acts on its own (a flag acknowledged once). */
async function openRefs(db: PrismaClient, organizationId: string) {
  const flags = await db.flag.findMany({ where: { organizationId, status: "OPEN" }, orderBy: { number: "asc" }, select: { number: true } });
  const milestones = await db.milestone.findMany({ where: { organizationId, status: "OPEN" }, orderBy: { number: "asc" }, select: { number: true } });
  const cases = await db.case.findMany({ where: { organizationId, status: { not: "CLOSED" } }, orderBy: { number: "asc" }, select: { number: true } });
  const invoices = await db.invoice.findMany({ where: { organizationId, paidOn: null, voidedAt: null }, orderBy: { refNumber: "asc" }, select: { refNumber: true } });
  const orders = await db.order.findMany({ where: { organizationId, status: "RECEIVED" }, orderBy: { number: "asc" }, select: { number: true } });
  return {
    flag: (i: number) => `F-${flags[i]!.number}`,
    milestone: (i: number) => `M-${milestones[i]!.number}`,
    case: (i: number) => `C-${cases[i]!.number}`,
    invoice: (i: number) => `I-${invoices[i]!.refNumber}`,
    order: (i: number) => `O-${orders[i]!.number}`,
  };
}

function invocations(locale: Locale, refs: Awaited<ReturnType<typeof openRefs>>): Invocation[] {
  const L = locale.toUpperCase();
  return [
    { name: "help", command: "help", text: "help" },
    { name: "help.orders", command: "help", text: "help orders" },
    { name: "unknown", command: "help", text: "frobnicate", refusal: true },
    { name: "account.add", command: "account.add", text: `account add "Elbe Chemie ${L} GmbH" tier regional region Nord` },
    { name: "account.list", command: "account.list", text: "account list" },
    { name: "account.show", command: "account.show", text: "account show ACME" },
    { name: "account.bind", command: "account.bind", text: `account bind "Elbe Chemie ${L} GmbH"`, channelId: `C-BIND-${L}` },
    { name: "team.add", command: "team.add", text: `team add "Elbe Chemie ${L} GmbH" "Mehmet Yilmaz" sales` },
    { name: "team.list", command: "team.list", text: "team list ACME" },
    { name: "team.remove", command: "team.remove", text: `team remove "Elbe Chemie ${L} GmbH" "Mehmet Yilmaz"` },
    { name: "product.add", command: "product.add", text: `product add WIDGET-${L} "Widget ${L}" price 12.90 unit pcs` },
    { name: "product.list", command: "product.list", text: "product list" },
    { name: "order.log", command: "order.log", text: `order log ACME 20 GLOVE-NIT, 5 HELMET-S due 2026-12-10 po PO-${L}-1` },
    { name: "order.log.usage", command: "order.log", text: "order log ACME", refusal: true },
    { name: "order.log.form", command: "order.log", text: "order" },
    { name: "order.log.form-error", command: "order.log", form: { id: "order.log", values: { account: "", quantity1: "", product1: "" } }, refusal: true },
    { name: "order.reorder", command: "order.reorder", text: "order reorder ACME" },
    { name: "order.list", command: "order.list", text: "order list ACME all" },
    { name: "order.status", command: "order.status", text: `order status ${refs.order(0)} confirmed` },
    { name: "order.show", command: "order.show", text: "order show O-2" },
    { name: "order.draft", command: "order.draft", text: "order draft ACME 20 GLOVE-NIT" },
    { name: "project.add", command: "project.add", text: `project add ACME "Rollout ${L}" due 2027-01-15 owner "Jonas Weber"` },
    { name: "project.add.form", command: "project.add", text: "project" },
    { name: "milestone.add", command: "milestone.add", text: `milestone add P-1 "Abnahme ${L}" due 2027-01-10 owner "Anna Becker"` },
    { name: "milestone.done", command: "milestone.done", text: `milestone done ${refs.milestone(0)}` },
    { name: "milestone.list", command: "milestone.list", text: "milestone list P-1 all" },
    { name: "deadlines", command: "deadlines", text: "deadlines" },
    { name: "deadlines.account", command: "deadlines", text: "deadlines ACME within 60 days" },
    { name: "invoice.add", command: "invoice.add", text: `invoice add Danube RE-${L}-1 1234.50 issued 2026-11-20` },
    { name: "invoice.add.form", command: "invoice.add", text: "invoice" },
    { name: "invoice.paid", command: "invoice.paid", text: `invoice paid ${refs.invoice(0)}` },
    { name: "invoice.list", command: "invoice.list", text: "invoice list Danube unpaid" },
    { name: "invoice.show", command: "invoice.show", text: `invoice show ${refs.invoice(1)}` },
    { name: "contract.add", command: "contract.add", text: `contract add Danube "Rahmen ${L}" from 2027-01-01 to 2027-12-31 notice 60 days terms net 30 price HELMET-S=22.50 commit 100 HELMET-S per year` },
    { name: "contract.add.form", command: "contract.add", text: "contract" },
    { name: "contract.list", command: "contract.list", text: "contract list" },
    { name: "contract.show", command: "contract.show", text: "contract show K-1" },
    // Marketing programs: each locale adds its own two (English MP-1 and MP-2, German MP-3 and MP-4).
    { name: "program.add", command: "program.add", text: `program add ACME "Herbst ${L}" from 2026-11-01 to 2026-12-31 products GLOVE-NIT HELMET-S budget 5000` },
    { name: "program.add.short", command: "program.add", text: `program add Danube "Messe ${L}" from 2026-11-20 to 2026-11-30` },
    { name: "program.add.form", command: "program.add", text: "program" },
    { name: "program.add.backwards", command: "program.add", text: `program add ACME "Rückwärts ${L}" from 2026-12-10 to 2026-12-01`, refusal: true },
    { name: "program.list", command: "program.list", text: "program list" },
    { name: "program.show", command: "program.show", text: `program show MP-${locale === "en" ? 1 : 3}` },
    { name: "program.end", command: "program.end", text: `program end MP-${locale === "en" ? 2 : 4}` },
    { name: "history.program", command: "history", text: `history MP-${locale === "en" ? 2 : 4}` },
    { name: "case.open", command: "case.open", text: `case open ACME "Helme *kaputt* <b>_${L}_</b> \`x\`" priority high` },
    { name: "case.close", command: "case.close", text: `case close ${refs.case(0)}` },
    { name: "case.list", command: "case.list", text: "case list" },
    { name: "flags", command: "flags", text: "flags" },
    { name: "flags.account", command: "flags", text: "flags ACME all" },
    { name: "flag.show", command: "flag.show", text: `flag show ${refs.flag(0)}` },
    { name: "flag.ack", command: "flag.ack", text: `flag ack ${refs.flag(0)}` },
    { name: "flag.snooze", command: "flag.snooze", text: `flag snooze ${refs.flag(1)} 1d` },
    { name: "flag.resolve", command: "flag.resolve", text: `flag resolve ${refs.flag(2)}` },
    { name: "flag.mute", command: "flag.mute", text: "flag mute Danube 1d" },
    { name: "suggest", command: "suggest", text: "suggest ACME" },
    { name: "digest", command: "digest", text: "digest" },
    { name: "digest.bind", command: "digest.bind", text: "digest bind", channelId: `C-DIGEST-${L}` },
    { name: "digest.unbind", command: "digest.unbind", text: "digest unbind", channelId: `C-DIGEST-${L}` },
    { name: "link", command: "link", text: "link" },
    { name: "inbox", command: "inbox", text: "inbox" },
    { name: "settings.show", command: "settings.show", text: "settings" },
    { name: "settings.timezone", command: "settings.timezone", text: "settings timezone Europe/Vienna" },
    { name: "settings.deliver", command: "settings.deliver", text: "settings deliver channel" },
    { name: "settings.org", command: "settings.org", text: "settings org reminders 8" },
    { name: "settings.org.enablement", command: "settings.org", text: "settings org enablement 45" },
    { name: "settings.language", command: "settings.language", text: `settings language ${locale}` },
    // Corrections, history and undo: each locale acts on its own records (or on other ones).
    { name: "order.edit", command: "order.edit", text: `order edit ${refs.order(0)} line 1 qty 30, add 2 HELMET-S po PO-${L}-2` },
    { name: "order.edit.form", command: "order.edit", text: `order edit ${refs.order(0)}` },
    { name: "order.cancel", command: "order.cancel", text: `order cancel ${refs.order(0)} customer changed plans` },
    { name: "invoice.edit", command: "invoice.edit", text: `invoice edit ${refs.invoice(1)} due 2026-12-31` },
    { name: "invoice.credit", command: "invoice.credit", text: `invoice credit ${refs.invoice(2)} 10 damaged goods` },
    { name: "invoice.void", command: "invoice.void", text: `invoice void ${refs.invoice(3)} issued twice` },
    { name: "contract.renew", command: "contract.renew", text: `contract renew K-2 to ${locale === "en" ? "2029-06-30" : "2029-12-31"}` },
    { name: "contract.amend", command: "contract.amend", text: `contract amend K-2 price HELMET-S=${locale === "en" ? 21 : 23} from 2027-01-01` },
    { name: "contract.notice", command: "contract.notice", text: `contract notice K-${locale === "en" ? 1 : 2} given` },
    { name: "contract.end", command: "contract.end", text: `contract end K-${locale === "en" ? 3 : 4} on 2027-06-30` },
    { name: "milestone.move", command: "milestone.move", text: `milestone move ${refs.milestone(1)} due ${locale === "en" ? "2027-01-20" : "2027-01-21"}` },
    { name: "milestone.owner", command: "milestone.owner", text: `milestone owner ${refs.milestone(1)} "${locale === "en" ? "Jonas Weber" : "Anna Becker"}"` },
    { name: "milestone.reopen", command: "milestone.reopen", text: `milestone reopen ${refs.milestone(0)}` },
    { name: "project.close", command: "project.close", text: `project close P-${locale === "en" ? 4 : 5}` },
    { name: "case.show", command: "case.show", text: `case show ${refs.case(1)}` },
    { name: "case.edit", command: "case.edit", text: `case edit ${refs.case(1)} priority urgent` },
    { name: "case.assign", command: "case.assign", text: `case assign ${refs.case(1)} to "${locale === "en" ? "Anna Becker" : "Jonas Weber"}"` },
    { name: "case.note", command: "case.note", text: `case note ${refs.case(1)} Called the customer back *today*` },
    { name: "case.priority", command: "case.priority", text: `case priority ${refs.case(1)} low` },
    { name: "case.reopen", command: "case.reopen", text: `case reopen ${refs.case(0)}` },
    { name: "account.rename", command: "account.rename", text: `account rename "Elbe Chemie ${L} GmbH" to "Elbe Chemie ${L} AG"` },
    { name: "account.edit", command: "account.edit", text: `account edit "Elbe Chemie ${L} AG" region Süd` },
    { name: "account.archive", command: "account.archive", text: `account archive "Elbe Chemie ${L} AG"` },
    { name: "account.unarchive", command: "account.unarchive", text: `account unarchive "Elbe Chemie ${L} AG"` },
    { name: "product.edit.training", command: "product.edit", text: `product edit WIDGET-${L} training required` },
    { name: "product.edit", command: "product.edit", text: `product edit WIDGET-${L} name "Widget ${L} Pro"` },
    { name: "undo", command: "undo", text: "undo" },
    { name: "product.retire", command: "product.retire", text: `product retire WIDGET-${L}` },
    { name: "member.role", command: "member.role", text: `member role "${locale === "en" ? "Paul Wagner" : "Lea Schmidt"}" manager` },
    { name: "history", command: "history", text: "history O-2" },
    { name: "history.account", command: "history", text: "history ACME" },
    { name: "token.create", command: "token.create", text: `token create erp-${locale}` },
    { name: "token.list", command: "token.list", text: "token list" },
    { name: "token.revoke", command: "token.revoke", text: `token revoke erp-${locale}` },
    { name: "import", command: "import", text: "import", refusal: true },
    { name: "export", command: "export", text: "export invoices Danube" },
    { name: "import.confirm", command: "import.confirm", text: "import confirm 00000000-0000-0000-0000-000000000000", refusal: true },
  ];
}

function byRule(items: AnnouncedItem[]): Map<string, AnnouncedItem[]> {
  const map = new Map<string, AnnouncedItem[]>();
  for (const i of items) map.set(i.rule, [...(map.get(i.rule) ?? []), i]);
  return map;
}

function alertItems(items: AnnouncedItem[]): AlertItem[] {
  return items.map((a) => ({ flagNumber: Number(a.ref.slice(2)), severity: a.severity, message: a.message, params: a.params }));
}

function reminderItems(items: AnnouncedItem[]): ReminderItem[] {
  return items.map((a) => ({ severity: a.severity, message: a.message, params: a.params, ...(a.ref.startsWith("M-") ? { milestoneNumber: Number(a.ref.slice(2)) } : {}) }));
}

function byAccount(items: AnnouncedItem[]): Map<string, AnnouncedItem[]> {
  const map = new Map<string, AnnouncedItem[]>();
  for (const item of items) map.set(item.accountName, [...(map.get(item.accountName) ?? []), item]);
  return map;
}

/**
 * Every reply, in every locale: one representative invocation of each command of COMMAND_LIST
 * (several for some: a form, a refusal), then the scheduler's alerts, reminders and digest. The
 * replies of one locale are produced one after the other on one database (the German run acts on
 * other flags, orders, cases than the English one). Safe to call again on the same database: the
 * result of the first call is returned.
 */
export async function everyReply(db: PrismaClient, options: { platform?: Platform } = {}): Promise<NamedReply[]> {
  const cached = results.get(db);
  if (cached) return cached;
  const seed = await seedEveryReplyOrganization(db);
  const timeZone = "Europe/Berlin";
  const out: NamedReply[] = [];
  for (const locale of EVERY_REPLY_LOCALES) {
    // The member's own setting wins over the request's hint; it is set at the end of each run.
    await db.member.update({ where: { id: seed.memberId }, data: { locale } });
    const refs = await openRefs(db, seed.organizationId);
    for (const inv of [...invocations(locale, refs), ...(await trainingInvocations(db, seed.organizationId, locale))] as Invocation[]) {
      const request: ChatRequest = {
        organizationId: seed.organizationId,
        memberId: seed.memberId,
        platform: options.platform ?? "SLACK",
        channelId: inv.channelId ?? null,
        locale,
        idempotencyKey: randomUUID(),
        ...(inv.form ? { form: inv.form } : { text: inv.text! }),
      };
      const reply = await handle({ db, logger: silentLogger, now: () => TEST_NOW }, request);
      out.push({ name: inv.name, locale, command: inv.command, input: inv.text ?? `form ${inv.form!.id}`, refusal: inv.refusal ?? false, reply });
    }
    for (const [account, items] of byAccount(seed.alerts)) {
      const reply = alertsReply({ accountName: account, items: alertItems(items), mentionMemberIds: [seed.mentionMemberId] }, locale, timeZone);
      out.push({ name: `alerts.${account}`, locale, command: "alerts", input: "", refusal: false, reply });
      // The same alerts as the first sweep after an import announces them (checks.ts, more than five).
      const counts = [...byRule(items)].map(([rule, of]) => ({ rule, severity: of[0]!.severity, count: of.length }));
      const summary = alertSummaryReply({ accountName: account, imported: true, total: items.length, counts, top: alertItems(items).slice(0, 5), offline: false, mentionMemberIds: [seed.mentionMemberId] }, locale, timeZone);
      out.push({ name: `alertSummary.${account}`, locale, command: "alerts", input: "", refusal: false, reply: summary });
    }
    for (const [account, items] of byAccount(seed.reminders)) {
      const reply = remindersReply({ accountName: account, items: reminderItems(items), mentionMemberIds: [seed.mentionMemberId] }, locale, timeZone);
      out.push({ name: `reminders.${account}`, locale, command: "reminders", input: "", refusal: false, reply });
    }
    out.push({ name: "trainingReminder", locale, command: "reminders", input: "", refusal: false, reply: trainingReminderSample(locale, timeZone, seed.mentionMemberId) });
    const data = await buildDigest(db, seed.organizationId, { now: TEST_NOW });
    out.push({ name: "digest.job", locale, command: "digest.job", input: "", refusal: false, reply: digestReply(data, locale, timeZone) });
  }
  // Last, so that no other reply sees them: invoices brought in by an import, which history shows
  // as one event for all of them (import-events.ts).
  const actor = { organizationId: seed.organizationId, memberId: seed.memberId, platform: "SLACK" as const, now: TEST_NOW };
  const file = ["account,number,amount,currency,issued_on,paid_on", ...[1, 2, 3].map((i) => `Danube Bau GmbH,HIST-${i},${i * 120}.50,EUR,2026-10-0${i},2026-10-2${i}`)].join("\n");
  const imported = await importFile(db, actor, file, { dryRun: false });
  const say = (locale: Locale, text: string) => handle({ db, logger: silentLogger, now: () => TEST_NOW }, { ...actor, channelId: null, locale, idempotencyKey: randomUUID(), text });
  for (const locale of EVERY_REPLY_LOCALES) {
    await say(locale, `settings language ${locale}`);
    const text = `history ${imported.refs[0]!.ref}`;
    const reply = await say(locale, text);
    out.push({ name: "history.imported", locale, command: "history", input: text, refusal: false, reply });
    // A list of payments for those invoices: its preview says which columns stay as they are.
    const payments = "account,number,amount,issued_on,paid_on\nDanube Bau GmbH,HIST-1,120.50,2026-10-01,2026-10-25\nDanube Bau GmbH,HIST-2,240.50,2026-10-02,2026-10-26\n";
    const preview = await handle({ db, logger: silentLogger, now: () => TEST_NOW }, {
      ...actor, channelId: null, locale, idempotencyKey: randomUUID(), text: "import", attachment: { name: "payments.csv", text: payments },
    });
    out.push({ name: "import.preview.kept", locale, command: "import", input: "import (payments.csv)", refusal: false, reply: preview });
  }
  results.set(db, out);
  return out;
}

const results = new WeakMap<PrismaClient, NamedReply[]>();

/** The names of COMMAND_LIST that no invocation above answers (the test of every-reply keeps it empty). */
export function commandsWithoutReply(replies: NamedReply[]): string[] {
  const answered = new Set(replies.map((r) => r.command));
  return COMMAND_LIST.map((c) => c.name).filter((name) => !answered.has(name));
}
