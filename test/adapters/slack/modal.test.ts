import { describe, expect, it } from "vitest";
import { checkView } from "../../../src/adapters/slack/limits.ts";
import { decodeContext, formModal, formValues, modalErrors } from "../../../src/adapters/slack/modal.ts";
import { translator } from "../../../src/core/i18n/index.ts";
import type { Form } from "../../../src/core/reply.ts";

const t = translator("de");
const form: Form = {
  id: "order.log",
  title: "Log an order for a very long account name",
  submitLabel: "Log order",
  errors: {},
  fields: [
    { name: "account", label: "Account", type: "select", required: true, options: [{ value: "a1", label: "ACME" }], value: "a1" },
    { name: "product1", label: "Product 1", type: "select", required: true, options: Array.from({ length: 150 }, (_, i) => ({ value: `p${i}`, label: `P${i}` })) },
    { name: "quantity1", label: "Quantity 1", type: "number", required: true, value: "abc" },
    { name: "requestedOn", label: "Requested on", type: "date", required: false, value: "2030-01-15" },
    { name: "notes", label: "Notes", type: "textarea", required: false, hint: "anything" },
    { name: "price1", label: "Unit price 1 (optional)", type: "text", required: false },
  ],
};

describe("modals from core forms", () => {
  it("builds a valid modal: block id = field name, widgets by type, within limits", () => {
    const view = formModal(form, { formId: form.id, channelId: "C1", responseUrl: "https://hooks.slack.com/x" }, t);
    expect(checkView(view)).toEqual([]);
    expect(view.close?.text).toBe("Abbrechen");
    const byId = Object.fromEntries(view.blocks.map((b) => [b.block_id, b as any]));
    expect(byId.account.element.type).toBe("static_select");
    expect(byId.account.element.initial_option.value).toBe("a1");
    expect(byId.product1.element.type).toBe("plain_text_input"); // over 100 options: typed reference
    expect(byId.quantity1.element.type).toBe("number_input");
    expect(byId.quantity1.element.initial_value).toBeUndefined();
    expect(byId.requestedOn.element).toMatchObject({ type: "datepicker", initial_date: "2030-01-15" });
    expect(byId.notes.element.multiline).toBe(true);
    expect(byId.notes.optional).toBe(true);
    // Slack writes "(optional)" next to optional inputs itself.
    expect(byId.price1).toMatchObject({ optional: true, label: { text: "Unit price 1" } });
    expect(decodeContext(view.private_metadata)).toMatchObject({ formId: "order.log", channelId: "C1" });
  });

  it("reads submitted values and maps errors to block ids", () => {
    const values = formValues({
      account: { value: { type: "static_select", selected_option: { value: "a1" } } },
      quantity1: { value: { type: "number_input", value: "12.5" } },
      requestedOn: { value: { type: "datepicker", selected_date: null } },
      notes: { value: { type: "plain_text_input", value: "" } },
    });
    expect(values).toEqual({ account: "a1", quantity1: "12.5", requestedOn: undefined, notes: undefined });
    expect(modalErrors({ ...form, errors: { quantity1: "Menge muss positiv sein", "lines.0": "x" } }, "check")).toEqual({
      quantity1: "Menge muss positiv sein",
      account: "x",
    });
  });
});
