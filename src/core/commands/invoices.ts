import { z } from "zod";
import {
  addInvoice, addInvoiceInput, AmbiguousInvoiceError, invoiceRef, listInvoices, listInvoicesInput, markInvoicePaid, markInvoicePaidInput, showInvoice,
} from "../../domain/invoices.ts";
import { splitParams } from "../../domain/checks.ts";
import * as limits from "../../domain/limits.ts";
import { findingText, messageContext } from "../messages/format.ts";
import type { Reply } from "../reply.ts";
import { clauses, isWord, joinTokens, type Token } from "../grammar/tokens.ts";
import { parseAmount } from "../grammar/amounts.ts";
import type { Form } from "../reply.ts";
import { fields, heading, list, reply, table, text } from "../replies.ts";
import type { CommandContext } from "../context.ts";
import { day, money, pastDay, rejectExtra, splitOptionalAccount } from "./args.ts";
import { invoiceButtons } from "./edit-forms.ts";
import { defineCommand, UsageError, type FormValues } from "./command.ts";
import { accountOptions, value } from "./form-helpers.ts";
import { dueText } from "./projects.ts";
import { weekdayDay } from "../messages/format.ts";

/** "<number> <amount…>": the amount may be several words ("EUR 99", "1.234,50 €"). */
function numberAndAmount(rest: Token[], ctx: CommandContext): boolean {
  return rest.length >= 2 && parseAmount(joinTokens(rest.slice(1)), ctx.locale) !== null;
}

async function invoiceForm(ctx: CommandContext, values: FormValues = {}): Promise<Form> {
  const accounts = await accountOptions(ctx);
  return {
    id: "invoice.add",
    title: ctx.t("form.invoiceTitle"),
    submitLabel: ctx.t("form.submitInvoice"),
    errors: {},
    fields: [
      { name: "account", label: ctx.t("field.account"), type: "select", required: true, options: accounts, ...value(values, "account", ctx.boundAccount?.id) },
      { name: "number", label: ctx.t("field.number"), type: "text", required: true, ...value(values, "number") },
      { name: "amount", label: ctx.t("field.amount"), type: "text", required: true, placeholder: ctx.fmt.money(123450, ctx.boundAccount?.currency ?? ctx.organization.currency), ...value(values, "amount") },
      { name: "order", label: ctx.t("field.order"), type: "text", required: false, placeholder: "O-12", ...value(values, "order") },
      { name: "issuedOn", label: ctx.t("field.issuedOn"), type: "date", required: false, ...value(values, "issuedOn", ctx.today) },
      { name: "dueOn", label: ctx.t("field.dueOn"), type: "date", required: false, ...value(values, "dueOn") },
    ],
  };
}

export const invoiceAdd = defineCommand({
  name: "invoice.add",
  words: ["invoice", "add"],
  topic: "invoices",
  writes: true,
  schema: addInvoiceInput,
  parse(args, ctx) {
    const { head, parts } = clauses(args, ["order", "issued", "due"]);
    const { account, rest } = splitOptionalAccount(head, ctx, (rest) => numberAndAmount(rest, ctx));
    if (rest.length === 0) throw new UsageError("usage.missing", { what: "number" });
    if (rest.length === 1) throw new UsageError("usage.missing", { what: "amount" });
    return {
      account,
      number: rest[0]!.text,
      amount: money(joinTokens(rest.slice(1)), ctx, undefined),
      issuedOn: parts.has("issued") ? day(parts.get("issued"), ctx) : ctx.today,
      ...(parts.has("due") ? { dueOn: day(parts.get("due"), ctx) } : {}),
      ...(parts.has("order") ? { order: joinTokens(parts.get("order")!) } : {}),
    };
  },
  form: invoiceForm,
  fromForm(values, ctx) {
    const s = (k: string) => String(values[k] ?? "").trim();
    if (!s("account")) throw new UsageError("usage.missing", { what: "account" }, "account");
    if (!s("number")) throw new UsageError("usage.missing", { what: "number" }, "number");
    return {
      account: s("account"),
      number: s("number"),
      amount: money(s("amount"), ctx, undefined, "amount"),
      issuedOn: s("issuedOn") ? day([{ text: s("issuedOn"), quoted: false }], ctx, "issuedOn", "issuedOn") : ctx.today,
      ...(s("dueOn") ? { dueOn: day([{ text: s("dueOn"), quoted: false }], ctx, "dueOn", "dueOn") } : {}),
      ...(s("order") ? { order: s("order") } : {}),
    };
  },
  formField(path) {
    return path.split(".")[0];
  },
  async run(ctx, input) {
    const invoice = await addInvoice(ctx.deps.db, ctx.actor, input);
    const summary = ctx.t("invoice.added", { number: invoice.number, ref: invoiceRef(invoice), account: invoice.account.name, amount: ctx.fmt.money(invoice.amountMinor, invoice.currency) });
    const warning = invoice.sameNumber.length
      ? ctx.t("invoice.sameNumber", {
          account: invoice.account.name,
          number: invoice.number,
          ref: invoiceRef(invoice),
          others: invoice.sameNumber.map((i) => ctx.t("invoice.otherLine", { ref: invoiceRef(i), issued: ctx.fmt.day(i.issuedOn), amount: ctx.fmt.money(i.amountMinor, i.currency) })).join("; "),
        })
      : null;
    return reply(
      summary,
      [
        text(summary, "success"),
        ...(warning ? [text(warning, "warning")] : []),
        fields([
          { label: ctx.t("field.issuedOn"), value: weekdayDay(ctx.locale, invoice.issuedOn) },
          { label: ctx.t("field.dueOn"), value: weekdayDay(ctx.locale, invoice.dueOn) },
          invoice.order && { label: ctx.t("field.order"), value: `O-${invoice.order.number}` },
        ]),
      ],
      [{ label: ctx.t("button.markPaid"), command: `invoice paid ${invoiceRef(invoice)}` }],
    );
  },
});

export const invoicePaid = defineCommand({
  name: "invoice.paid",
  words: ["invoice", "paid"],
  topic: "invoices",
  writes: true,
  schema: markInvoicePaidInput,
  parse(args, ctx) {
    const { head, parts } = clauses(args, ["on", "account"]);
    if (head.length !== 1) throw new UsageError(head.length ? "usage.unexpected" : "usage.missing", { what: "number", text: joinTokens(head.slice(1)) });
    const account = parts.has("account") ? joinTokens(parts.get("account")!) : ctx.boundAccount?.id;
    return { number: head[0]!.text, paidOn: parts.has("on") ? pastDay(parts.get("on"), ctx) : ctx.today, ...(account ? { account } : {}) };
  },
  async run(ctx, input) {
    const invoice = await markInvoicePaid(ctx.deps.db, ctx.actor, input).catch((error: unknown) => {
      if (error instanceof AmbiguousInvoiceError) return whichInvoice(ctx, error, (ref) => `invoice paid ${ref}${input.paidOn === ctx.today ? "" : ` on ${input.paidOn}`}`);
      throw error;
    });
    if ("blocks" in invoice) return invoice;
    const summary = ctx.t("invoice.paid", { number: invoice.number, ref: invoiceRef(invoice), account: invoice.account.name, date: weekdayDay(ctx.locale, invoice.paidOn!) });
    return reply(summary, [text(summary, "success")]);
  },
});

export const invoiceList = defineCommand({
  name: "invoice.list",
  words: ["invoice", "list"],
  topic: "invoices",
  writes: false,
  schema: listInvoicesInput,
  parse(args, ctx) {
    const scopeWord = isWord(args.at(-1), "unpaid", "all");
    const rest = scopeWord ? args.slice(0, -1) : args;
    const account = joinTokens(rest) || ctx.boundAccount?.id;
    if (!account) throw new UsageError("usage.missing", { what: "account" });
    return { account, scope: isWord(args.at(-1), "unpaid") ? "unpaid" : "all" };
  },
  async run(ctx, input) {
    const { account, invoices } = await listInvoices(ctx.deps.db, ctx.actor, input);
    const title = ctx.t(input.scope === "unpaid" ? "invoice.listUnpaid" : "invoice.listAll", { account: account.name, count: invoices.length });
    if (invoices.length === 0) return reply(title, [heading(title), text(ctx.t("invoice.none"), "muted")]);
    return reply(title, [
      heading(title),
      table(
        [ctx.t("field.ref"), ctx.t("field.number"), ctx.t("field.amount"), ctx.t("field.issuedOn"), ctx.t("field.due"), ctx.t("field.paidOn"), ctx.t("field.order")],
        invoices.map((i) => [
          invoiceRef(i),
          i.number,
          ctx.fmt.money(i.amountMinor, i.currency),
          ctx.fmt.day(i.issuedOn),
          i.paidOn ? ctx.fmt.day(i.dueOn) : dueText(ctx, i.dueOn),
          i.paidOn ? ctx.fmt.day(i.paidOn) : "–",
          i.order ? `O-${i.order.number}` : "–",
        ]),
      ),
    ]);
  },
});


/**
 * The answer when a supplier's number names several invoices: nothing was changed; each is listed
 * with its reference, and a button runs the command again for that one.
 */
function whichInvoice(ctx: CommandContext, error: AmbiguousInvoiceError, command: (ref: string) => string): Reply {
  const message = ctx.t("error.ambiguousInvoice", error.params);
  const rows = error.invoices.map((i) => [
    invoiceRef(i),
    i.number,
    i.accountName,
    ctx.fmt.money(i.amountMinor, i.currency),
    ctx.fmt.day(i.issuedOn),
    i.paidOn ? ctx.fmt.day(i.paidOn) : "–",
  ]);
  return {
    ok: false,
    visibility: "caller",
    summary: message,
    blocks: [
      text(message, "error"),
      table([ctx.t("field.ref"), ctx.t("field.number"), ctx.t("field.account"), ctx.t("field.amount"), ctx.t("field.issuedOn"), ctx.t("field.paidOn")], rows),
      { kind: "actions", buttons: error.invoices.slice(0, 5).map((i) => ({ label: invoiceRef(i), command: command(invoiceRef(i)) })) },
    ],
  };
}

export const invoiceShow = defineCommand({
  name: "invoice.show",
  words: ["invoice", "show"],
  topic: "invoices",
  writes: false,
  schema: z.object({ invoice: z.string().trim().min(1).max(40), account: limits.reference.optional() }),
  parse(args, ctx) {
    const { head, parts } = clauses(args, ["account"]);
    if (head.length === 0) throw new UsageError("usage.missing", { what: "invoice" });
    rejectExtra(head.slice(1));
    const account = parts.has("account") ? joinTokens(parts.get("account")!) : ctx.boundAccount?.id;
    return { invoice: head[0]!.text, ...(account ? { account } : {}) };
  },
  async run(ctx, input) {
    const found = await showInvoice(ctx.deps.db, ctx.actor, input).catch((error: unknown) => {
      if (error instanceof AmbiguousInvoiceError) return whichInvoice(ctx, error, (ref) => `invoice show ${ref}`);
      throw error;
    });
    if ("blocks" in found) return found;
    const i = found;
    const title = ctx.t("invoice.title", { ref: invoiceRef(i), number: i.number, account: i.account.name });
    const open = i.flags.filter((f) => f.status !== "RESOLVED");
    return reply(
      title,
      [
        heading(title),
        fields([
          { label: ctx.t("field.amount"), value: ctx.fmt.money(i.amountMinor, i.currency) },
          { label: ctx.t("field.issuedOn"), value: ctx.fmt.day(i.issuedOn) },
          { label: ctx.t("field.dueOn"), value: i.paidOn ? ctx.fmt.day(i.dueOn) : dueText(ctx, i.dueOn) },
          { label: ctx.t("field.paidOn"), value: i.paidOn ? ctx.fmt.day(i.paidOn) : "–" },
          { label: ctx.t("field.order"), value: i.order ? `O-${i.order.number}` : "–" },
          i.creditedMinor > 0n && { label: ctx.t("field.credited"), value: ctx.fmt.money(i.creditedMinor, i.currency) },
          i.voidedAt && { label: ctx.t("field.voided"), value: [ctx.fmt.dateTime(i.voidedAt), i.voidReason].filter(Boolean).join(" · ") },
        ]),
        ...(open.length
          ? [
              text(ctx.t("invoice.flags"), "muted"),
              list(open.map((f) => {
                const { message, params } = splitParams(f.params);
                return `F-${f.number} (${ctx.t(`severity.${f.severity}`)}, ${ctx.t(`status.${f.status}`)}): ${findingText(messageContext(ctx.locale, ctx.timeZone), message, params)}`;
              })),
            ]
          : []),
      ],
      [...(i.paidOn || i.voidedAt ? [] : [{ label: ctx.t("button.markPaid"), command: `invoice paid ${invoiceRef(i)}` }]), ...invoiceButtons(ctx, i)],
    );
  },
});
