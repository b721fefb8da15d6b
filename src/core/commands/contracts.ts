import { z } from "zod";
import { addContract, addContractInput, listContracts, showContract } from "../../domain/contracts.ts";
import * as limits from "../../domain/limits.ts";
import { clauses, isWord, joinTokens, type Token } from "../grammar/tokens.ts";
import type { Form } from "../reply.ts";
import { fields, heading, reply, table, text } from "../replies.ts";
import type { CommandContext } from "../context.ts";
import { accountAndText, accountRef, day, integer, money, oneOf, optionalAccount, quantity, rejectExtra } from "./args.ts";
import { defineCommand, UsageError, type FormValues } from "./command.ts";
import { accountOptions, value } from "./form-helpers.ts";
import { pricesTable } from "./corrections.ts";
import { contractButtons } from "./edit-forms.ts";
import { weekdayDay } from "../messages/format.ts";

const PERIODS = { year: "YEAR", quarter: "QUARTER", month: "MONTH", jahr: "YEAR", quartal: "QUARTER", monat: "MONTH" } as const;

/** "BOLT-10=2.40 NUT-10=0,75" */
function parsePrices(tokens: Token[], ctx: CommandContext, field?: string) {
  return tokens
    .filter((t) => t.text !== ",")
    .map((t) => {
      const eq = t.text.indexOf("=");
      if (eq <= 0) throw new UsageError("usage.badPrice", { text: t.text }, field);
      const { currency: _, ...amount } = money(t.text.slice(eq + 1), ctx, undefined, field);
      return { product: t.text.slice(0, eq), ...amount };
    });
}

/** "5000 BOLT-10 per year" */
function parseCommitment(tokens: Token[], ctx: CommandContext, field?: string) {
  const per = tokens.findIndex((t) => isWord(t, "per", "pro"));
  const head = per >= 0 ? tokens.slice(0, per) : tokens;
  if (head.length < 2) throw new UsageError("usage.missing", { what: "product" }, field);
  return {
    quantity: quantity(head[0]!.text, ctx, field),
    product: joinTokens(head.slice(1)),
    period: per >= 0 ? oneOf(tokens[per + 1], PERIODS, "period") : ("YEAR" as const),
  };
}

async function contractForm(ctx: CommandContext, values: FormValues = {}): Promise<Form> {
  const accounts = await accountOptions(ctx);
  return {
    id: "contract.add",
    title: ctx.t("form.contractTitle"),
    submitLabel: ctx.t("form.submitContract"),
    errors: {},
    fields: [
      { name: "account", label: ctx.t("field.account"), type: "select", required: true, options: accounts, ...value(values, "account", ctx.boundAccount?.id) },
      { name: "name", label: ctx.t("field.name"), type: "text", required: true, ...value(values, "name") },
      { name: "startsOn", label: ctx.t("field.startsOn"), type: "date", required: true, ...value(values, "startsOn") },
      { name: "endsOn", label: ctx.t("field.endsOn"), type: "date", required: true, ...value(values, "endsOn") },
      { name: "noticeDays", label: ctx.t("field.noticeDays"), type: "number", required: false, ...value(values, "noticeDays", "90") },
      { name: "paymentTermsDays", label: ctx.t("field.paymentTermsDays"), type: "number", required: false, ...value(values, "paymentTermsDays", "30") },
      { name: "prices", label: ctx.t("field.prices"), type: "textarea", required: false, hint: ctx.t("form.pricesHint"), ...value(values, "prices") },
      { name: "commitment", label: ctx.t("field.commitments"), type: "text", required: false, hint: ctx.t("form.commitHint"), ...value(values, "commitment") },
    ],
  };
}

export const contractAdd = defineCommand({
  name: "contract.add",
  words: ["contract", "add"],
  topic: "contracts",
  writes: true,
  schema: addContractInput,
  parse(args, ctx) {
    const { head, parts } = clauses(args, ["from", "to", "notice", "terms", "price", "prices", "commit"]);
    const { account, text: name } = accountAndText(head, ctx, "name");
    if (!parts.has("from")) throw new UsageError("usage.missing", { what: "startsOn" });
    if (!parts.has("to")) throw new UsageError("usage.missing", { what: "endsOn" });
    const notice = parts.get("notice");
    const terms = parts.get("terms")?.filter((t) => !isWord(t, "net", "netto"));
    const prices = parts.get("price") ?? parts.get("prices");
    return {
      account,
      name,
      startsOn: day(parts.get("from"), ctx),
      endsOn: day(parts.get("to"), ctx),
      ...(notice ? { noticeDays: integer(notice[0]?.text, "notice", 0, 730) } : {}),
      ...(terms ? { paymentTermsDays: integer(terms[0]?.text, "terms", 0, 365) } : {}),
      ...(prices ? { prices: parsePrices(prices, ctx) } : {}),
      ...(parts.has("commit") ? { commitments: [parseCommitment(parts.get("commit")!, ctx)] } : {}),
    };
  },
  form: contractForm,
  fromForm(values, ctx) {
    const s = (k: string) => String(values[k] ?? "").trim();
    if (!s("account")) throw new UsageError("usage.missing", { what: "account" }, "account");
    if (!s("name")) throw new UsageError("usage.missing", { what: "name" }, "name");
    const words = (k: string) => s(k).split(/[\s\n]+/).filter(Boolean).map((w) => ({ text: w, quoted: false }));
    return {
      account: s("account"),
      name: s("name"),
      startsOn: day([{ text: s("startsOn"), quoted: false }], ctx, "startsOn", "startsOn"),
      endsOn: day([{ text: s("endsOn"), quoted: false }], ctx, "endsOn", "endsOn"),
      ...(s("noticeDays") ? { noticeDays: Number(s("noticeDays")) } : {}),
      ...(s("paymentTermsDays") ? { paymentTermsDays: Number(s("paymentTermsDays")) } : {}),
      ...(s("prices") ? { prices: parsePrices(words("prices"), ctx, "prices") } : {}),
      ...(s("commitment") ? { commitments: [parseCommitment(words("commitment"), ctx, "commitment")] } : {}),
    };
  },
  formField(path) {
    const top = path.split(".")[0];
    return top === "commitments" ? "commitment" : top;
  },
  async run(ctx, input) {
    const contract = await addContract(ctx.deps.db, ctx.actor, input);
    const summary = ctx.t("contract.added", { ref: `K-${contract.number}`, name: contract.name, account: contract.account.name });
    const period = (p: string) => ctx.t(`contract.per${p}`);
    return reply(summary, [
      text(summary, "success"),
      fields([
        { label: ctx.t("field.startsOn"), value: weekdayDay(ctx.locale, contract.startsOn) },
        { label: ctx.t("field.endsOn"), value: weekdayDay(ctx.locale, contract.endsOn) },
        { label: ctx.t("field.noticeDays"), value: String(contract.noticeDays) },
        { label: ctx.t("field.paymentTermsDays"), value: String(contract.paymentTermsDays) },
        contract.prices.length > 0 && {
          label: ctx.t("field.prices"),
          value: contract.prices.map((p) => `${p.product.sku} ${ctx.fmt.money(p.priceMinor, contract.currency)}`).join(", "),
        },
        contract.commitments.length > 0 && {
          label: ctx.t("field.commitments"),
          value: contract.commitments.map((m) => `${ctx.fmt.number(Number(m.quantity))} ${m.product.unit} ${m.product.sku} ${period(m.period)}`).join(", "),
        },
      ]),
    ]);
  },
});

export const contractList = defineCommand({
  name: "contract.list",
  words: ["contract", "list"],
  topic: "contracts",
  writes: false,
  schema: z.object({ account: limits.reference.optional() }),
  parse: optionalAccount,
  async run(ctx, input) {
    const { account, contracts } = await listContracts(ctx.deps.db, ctx.actor, input);
    const title = account
      ? ctx.t("contract.listTitle", { account: account.name, count: contracts.length })
      : ctx.t("contract.listAllTitle", { count: contracts.length });
    if (contracts.length === 0) return reply(title, [heading(title), text(ctx.t("contract.none"), "muted")]);
    return reply(title, [
      heading(title),
      table(
        [ctx.t("field.contract"), ...(account ? [] : [ctx.t("field.account")]), ctx.t("field.startsOn"), ctx.t("field.endsOn"), ctx.t("field.noticeDays"), ctx.t("field.prices")],
        contracts.map((c) => [
          `K-${c.number}${c.externalRef ? ` · ${c.externalRef}` : ""} ${c.name}`,
          ...(account ? [] : [c.account.name]),
          ctx.fmt.day(c.startsOn),
          ctx.fmt.day(c.endsOn),
          String(c.noticeDays),
          String(c.prices.length),
        ]),
      ),
    ]);
  },
});

export const contractShow = defineCommand({
  name: "contract.show",
  words: ["contract", "show"],
  topic: "contracts",
  writes: false,
  // The period and "today" are the organization's, as in the commitment check.
  schema: z.object({ contract: limits.reference }),
  parse(args) {
    if (args.length === 0) throw new UsageError("usage.missing", { what: "contract" });
    rejectExtra(args.slice(1));
    return { contract: args[0]!.text };
  },
  async run(ctx, input) {
    const c = await showContract(ctx.deps.db, ctx.actor, input);
    const title = ctx.t("contract.title", { ref: `K-${c.number}`, name: c.name, account: c.account.name });
    return reply(title, [
      heading(title),
      fields([
        ...(c.externalRef ? [{ label: ctx.t("field.externalRef"), value: c.externalRef }] : []),
        { label: ctx.t("field.startsOn"), value: ctx.fmt.day(c.startsOn) },
        { label: ctx.t("field.endsOn"), value: ctx.fmt.day(c.endsOn) },
        { label: ctx.t("field.noticeDays"), value: String(c.noticeDays) },
        { label: ctx.t("field.paymentTermsDays"), value: String(c.paymentTermsDays) },
        c.noticeGivenOn && { label: ctx.t("field.noticeGivenOn"), value: ctx.fmt.day(c.noticeGivenOn) },
      ]),
      ...(c.prices.length ? [pricesTable(ctx, c)] : []),
      ...(c.commitments.length
        ? [
            table(
              [ctx.t("field.product"), ctx.t("field.commitments"), ctx.t("contract.orderedSoFar"), ctx.t("contract.expectedSoFar")],
              c.commitments.map((m) => [
                m.product.sku,
                ctx.t("contract.commitmentLine", { quantity: ctx.fmt.number(Number(m.quantity)), from: ctx.fmt.day(m.periodFrom), to: ctx.fmt.day(m.periodTo) }),
                ctx.fmt.number(m.ordered),
                ctx.fmt.number(m.expected),
              ]),
            ),
          ]
        : []),
    ], contractButtons(ctx, c));
  },
});
