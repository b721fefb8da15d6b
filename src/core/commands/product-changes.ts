import { editProduct, editProductInput, retireProduct, retireProductInput } from "../../domain/product-changes.ts";
import { isCountedUnit, listPriceOn } from "../../domain/products.ts";
import { dayToDate } from "../../domain/limits.ts";
import { clauses, joinTokens } from "../grammar/tokens.ts";
import { fields, reply, text } from "../replies.ts";
import { day, money, rejectExtra } from "./args.ts";
import { defineCommand, UsageError } from "./command.ts";

export const productEdit = defineCommand({
  name: "product.edit",
  words: ["product", "edit"],
  topic: "products",
  writes: true,
  schema: editProductInput,
  parse(args, ctx) {
    const { head, parts } = clauses(args, ["name", "unit", "price", "from", "ab"]);
    if (head.length === 0) throw new UsageError("usage.missing", { what: "sku" });
    rejectExtra(head.slice(1));
    const from = parts.get("from") ?? parts.get("ab");
    if (from && !parts.has("price")) throw new UsageError("usage.missing", { what: "price" });
    if (!parts.has("name") && !parts.has("unit") && !parts.has("price")) throw new UsageError("usage.missing", { what: "change" });
    const name = parts.has("name") ? joinTokens(parts.get("name")!) : undefined;
    const unit = parts.has("unit") ? joinTokens(parts.get("unit")!) : undefined;
    if (name === "") throw new UsageError("usage.missing", { what: "name" });
    if (unit === "") throw new UsageError("usage.missing", { what: "unit" });
    return {
      product: head[0]!.text,
      today: ctx.today,
      ...(name !== undefined ? { name } : {}),
      ...(unit !== undefined ? { unit } : {}),
      ...(parts.has("price") ? { listPrice: { ...money(joinTokens(parts.get("price")!), ctx, undefined), ...(from ? { from: day(from, ctx) } : {}) } } : {}),
    };
  },
  async run(ctx, input) {
    const p = await editProduct(ctx.deps.db, ctx.actor, input);
    const summary = ctx.t("product.edited", { sku: p.sku, name: p.name });
    const today = dayToDate(ctx.today);
    const current = listPriceOn(p, today);
    return reply(summary, [
      text(summary, "success"),
      fields([
        { label: ctx.t("field.unit"), value: ctx.t(isCountedUnit(p.unit) ? "product.counted" : "product.measured", { unit: p.unit }) },
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
