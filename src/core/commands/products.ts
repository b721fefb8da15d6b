import { z } from "zod";
import { addProduct, addProductInput, isCountedUnit, listPriceOn, listProducts } from "../../domain/products.ts";
import { dayToDate } from "../../domain/limits.ts";
import { clauses, joinTokens } from "../grammar/tokens.ts";
import { fields, heading, reply, table, text } from "../replies.ts";
import { money, rejectExtra } from "./args.ts";
import { defineCommand, UsageError } from "./command.ts";

export const productAdd = defineCommand({
  name: "product.add",
  words: ["product", "add"],
  topic: "products",
  writes: true,
  schema: addProductInput,
  parse(args, ctx) {
    const { head, parts } = clauses(args, ["price", "unit"]);
    if (head.length === 0) throw new UsageError("usage.missing", { what: "sku" });
    const name = joinTokens(head.slice(1));
    if (!name) throw new UsageError("usage.missing", { what: "name" });
    return {
      sku: head[0]!.text,
      name,
      ...(parts.has("price") ? { listPrice: money(joinTokens(parts.get("price")!), ctx, undefined) } : {}),
      ...(parts.has("unit") ? { unit: joinTokens(parts.get("unit")!) } : {}),
    };
  },
  async run(ctx, input) {
    const product = await addProduct(ctx.deps.db, ctx.actor, input);
    const summary = ctx.t("product.added", { sku: product.sku, name: product.name });
    return reply(summary, [
      text(summary, "success"),
      fields([
        { label: ctx.t("field.unit"), value: ctx.t(isCountedUnit(product.unit) ? "product.counted" : "product.measured", { unit: product.unit }) },
        product.listPriceMinor !== null && { label: ctx.t("field.listPrice"), value: ctx.fmt.money(product.listPriceMinor, product.currency) },
      ]),
    ]);
  },
});

export const productList = defineCommand({
  name: "product.list",
  words: ["product", "list"],
  topic: "products",
  writes: false,
  schema: z.object({}),
  parse(args) {
    rejectExtra(args);
    return {};
  },
  async run(ctx) {
    const products = await listProducts(ctx.deps.db, ctx.actor);
    // The price in force on the organization's day, as orders take it.
    const today = dayToDate(ctx.organizationToday);
    const title = ctx.t("product.listTitle", { count: products.length });
    if (products.length === 0) return reply(title, [heading(title), text(ctx.t("product.none"), "muted")]);
    return reply(title, [
      heading(title),
      table(
        [ctx.t("field.sku"), ctx.t("field.product"), ctx.t("field.unit"), ctx.t("field.listPrice"), ctx.t("field.training")],
        products.map((p) => {
          const price = listPriceOn(p, today);
          const shown = price === null ? "–" : ctx.fmt.money(price, p.currency);
          const next = p.nextListPriceMinor !== null && p.nextPriceStartsOn !== null && p.nextPriceStartsOn > today
            ? ` (${ctx.t("product.priceFrom", { price: ctx.fmt.money(p.nextListPriceMinor, p.currency), date: ctx.fmt.day(p.nextPriceStartsOn) })})`
            : "";
          return [p.sku, p.retiredAt ? `${p.name} (${ctx.t("product.retiredMark")})` : p.name, p.unit, shown + next, p.trainingRequired ? ctx.t("product.trainingRequired") : "–"];
        }),
      ),
    ]);
  },
});
