import { fileURLToPath } from "node:url";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Ajv, type ErrorObject } from "ajv";

/**
 * The Adaptive Card 1.5 JSON schema (vendored from ../shared/schemas into test/fixtures/schemas), compiled as its README says: draft-06
 * meta-schema, strict off, `id` read as `$id`, and Teams' top-level `msteams` property allowed.
 */
const require = createRequire(import.meta.url);
const SCHEMA_PATH = process.env.ADAPTIVE_CARD_SCHEMA ?? fileURLToPath(new URL("../../fixtures/schemas/adaptive-card-1.5.schema.json", import.meta.url));

function compile() {
  const schema = JSON.parse(readFileSync(SCHEMA_PATH, "utf8")) as Record<string, unknown> & {
    id?: string;
    definitions: Record<string, { properties?: Record<string, unknown> }>;
  };
  if (schema.id && !schema.$id) {
    schema.$id = schema.id;
    delete schema.id;
  }
  delete schema.$schema;
  schema.definitions.AdaptiveCard!.properties!.msteams = { type: "object" };
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, logger: false });
  ajv.addMetaSchema(require("ajv/dist/refs/json-schema-draft-06.json"));
  return ajv.compile(schema);
}

let validator: ReturnType<typeof compile> | undefined;

/** Errors of a card against the 1.5 schema; an empty list means valid. */
export function cardErrors(card: unknown): string[] {
  validator ??= compile();
  if (validator(card)) return [];
  return (validator.errors ?? []).slice(0, 10).map((e: ErrorObject) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
}

/** The Adaptive Cards in an activity body as the fake connector recorded it. */
export function cardsOf(activity: Record<string, unknown> | null): Record<string, unknown>[] {
  const attachments = (activity?.attachments ?? []) as { contentType: string; content: Record<string, unknown> }[];
  return attachments.filter((a) => a.contentType === "application/vnd.microsoft.card.adaptive").map((a) => a.content);
}

/** All text a card shows (text blocks, rich text as one line per block, input labels, table cells), for assertions. */
export function cardText(card: unknown): string {
  const out: string[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== "object") return;
    const n = node as Record<string, unknown>;
    if (n.type === "RichTextBlock" && Array.isArray(n.inlines)) {
      out.push((n.inlines as { text?: string }[]).map((i) => i.text ?? "").join(""));
      return;
    }
    for (const key of ["text", "title", "value", "label", "errorMessage"]) if (typeof n[key] === "string") out.push(n[key] as string);
    for (const v of Object.values(n)) if (typeof v === "object") walk(v);
  };
  walk(card);
  return out.join("\n");
}
