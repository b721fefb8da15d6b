import { editProduct, editProductInput, retireProduct, retireProductInput } from "../../domain/product-changes.ts";
import { isCountedUnit, listPriceOn } from "../../domain/products.ts";
import { dayToDate } from "../../domain/limits.ts";
import { clauses, joinTokens, type Token } from "../grammar/tokens.ts";
import { fields, reply, text } from "../replies.ts";
import { day, money, rejectExtra } from "./args.ts";
import { defineCommand, UsageError } from "./command.ts";

const TRAINING = ["training", "schulung"];
const REQUIRED = ["required", "needed", "erforderlich", "nötig", "noetig"];
const NOT = ["not", "no", "nicht", "keine"];

/** "required" → true; "not required", "no", "nicht nötig", "keine" → false. */
function trainingMark(tokens: Token[]): boolean {
  const words = tokens.map((t) => t.text.toLowerCase());
  if (words.length === 1 && REQUIRED.includes(words[0]!)) return true;
  if ((words.length === 1 && NOT.includes(words[0]!)) || (words.length === 2 && NOT.includes(words[0]!) && REQUIRED.includes(words[1]!))) return false;
  throw new UsageError("product.badTrainingMark", { text: joinTokens(tokens) });
}

export const productEdit = defineCommand({
  name: "product.edit",
  words: ["product", "edit"],
  topic: "products",
  writes: true,
  schema: editProductInput,
  parse(args, ctx) {
    const { head, parts } = clauses(args, ["name", "unit", "price", "from", "ab", ...TRAINING]);
    if (head.length === 0) throw new UsageError("usage.missing", { what: "sku" });
    rejectExtra(head.slice(1));
    const from = parts.get("from") ?? parts.get("ab");
    if (from && !parts.has("price")) throw new UsageError("usage.missing", { what: "price" });
    const training = TRAINING.map((w) => parts.get(w)).find((t) => t !== undefined);
    if (!parts.has("name") && !parts.has("unit") && !parts.has("price") && !training) throw new UsageError("usage.missing", { what: "change" });
    const name = parts.has("name") ? joinTokens(parts.get("name")!) : undefined;
    const unit = parts.has("unit") ? joinTokens(parts.get("unit")!) : undefined;
    if (name === "") throw new UsageError("usage.missing", { what: "name" });
    if (unit === "") throw new UsageError("usage.missing", { what: "unit" });
    return {
      product: head[0]!.text,
      // The organization's today: orders are priced by their day there.
      today: ctx.organizationToday,
      ...(name !== undefined ? { name } : {}),
      ...(unit !== undefined ? { unit } : {}),
      ...(training ? { trainingRequired: trainingMark(training) } : {}),
      ...(parts.has("price") ? { listPrice: { ...money(joinTokens(parts.get("price")!), ctx, undefined), ...(from ? { from: day(from, ctx) } : {}) } } : {}),
    };
  },
  async run(ctx, input) {
    const p = await editProduct(ctx.deps.db, ctx.actor, input);
    const summary = ctx.t("product.edited", { sku: p.sku, name: p.name });
    // The price in force on the organization's day, as orders take it.
    const today = dayToDate(ctx.organizationToday);
    const current = listPriceOn(p, today);
    return reply(summary, [
      text(summary, "success"),
      fields([
        { label: ctx.t("field.unit"), value: ctx.t(isCountedUnit(p.unit) ? "product.counted" : "product.measured", { unit: p.unit }) },
        { label: ctx.t("field.trainingRequired"), value: ctx.t(p.trainingRequired ? "product.trainingRequired" : "product.trainingNotRequired") },
        current !== null && { label: ctx.t("field.listPrice"), value: ctx.fmt.money(current, p.currency) },
        p.nextListPriceMinor !== null && p.nextPriceStartsOn !== null && p.nextPriceStartsOn > today && {
          label: ctx.t("field.nextListPrice"),
          value: ctx.t("product.priceFrom", { price: ctx.fmt.money(p.nextListPriceMinor, p.currency), date: ctx.fmt.day(p.nextPriceStartsOn) }),
        },
      ]),
    ]);
  },
});

export const productRetire = defineCommand({
  name: "product.retire",
  words: ["product", "retire"],
  topic: "products",
  writes: true,
  schema: retireProductInput,
  parse(args) {
    if (args.length === 0) throw new UsageError("usage.missing", { what: "sku" });
    rejectExtra(args.slice(1));
    return { product: args[0]!.text };
  },
  async run(ctx, input) {
    const p = await retireProduct(ctx.deps.db, ctx.actor, input);
    const summary = ctx.t("product.retired", { sku: p.sku, name: p.name });
    return reply(summary, [text(summary, "success"), text(ctx.t("product.retiredHint"), "muted")]);
  },
});
