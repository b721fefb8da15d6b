import type { App } from "@slack/bolt";
import type { SlackContext } from "../context.ts";
import { FORM_CALLBACK } from "../modal.ts";
import { submitForm } from "./submit-form.ts";

/** Modal submissions of the forms the core asks for (order, invoice, contract, project, …). */
export function register(app: App, ctx: SlackContext): void {
  app.view({ callback_id: FORM_CALLBACK, type: "view_submission" }, submitForm(ctx));
}
