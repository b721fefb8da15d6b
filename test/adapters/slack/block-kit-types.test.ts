import { fileURLToPath } from "node:url";
import ts from "typescript";
import { expect, it } from "vitest";
import { formOf, renderReply } from "../../../src/adapters/slack/blocks.ts";
import { formModal } from "../../../src/adapters/slack/modal.ts";
import { translator } from "../../../src/core/i18n/index.ts";
import { describeEachDatabase } from "../../support/databases.ts";
import { everyReply } from "../../support/every-reply.ts";

/**
 * Block Kit has no offline validator: the rendered messages and modals of every reply are written
 * as a TypeScript module of `satisfies` checks against @slack/types and compiled by tsc (in
 * memory, resolved from this folder so @slack/types is found). Excess or misspelt properties and
 * wrong literal types are compile errors.
 */
const HERE = fileURLToPath(new URL(".", import.meta.url));
const FIXTURE = `${HERE}rendered-block-kit.generated.ts`;

function typeErrors(source: string): string[] {
  const options: ts.CompilerOptions = { strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, skipLibCheck: true, types: [] };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, version, ...rest) => (name === FIXTURE ? ts.createSourceFile(name, source, version) : getSourceFile(name, version, ...rest));
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => name === FIXTURE || fileExists(name);
  const readFile = host.readFile.bind(host);
  host.readFile = (name) => (name === FIXTURE ? source : readFile(name));
  const program = ts.createProgram([FIXTURE], options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
    const line = where ? source.split("\n")[where.line]?.slice(0, 80) : "";
    return `${where ? `${where.line + 1}: ` : ""}${ts.flattenDiagnosticMessageText(d.messageText, "\n").slice(0, 400)} (${line})`;
  });
}

const HEADER = `import type { KnownBlock, ModalView } from "@slack/types";\ntype Message = { text: string; blocks: KnownBlock[] };\n`;

it("the type check catches what Slack would refuse (it is not vacuous)", () => {
  const wrong = `${HEADER}export const m = { text: "x", blocks: [{ type: "table", rows: [[{ type: "raw_txt", text: "a" }]] }, { type: "section", txt: "b" }] } satisfies Message;\n`;
  const errors = typeErrors(wrong);
  expect(errors.length).toBeGreaterThan(0);
  expect(errors.join("\n")).not.toMatch(/Cannot find module/);
  expect(typeErrors(`${HEADER}export const m = { text: "x", blocks: [{ type: "divider" }] } satisfies Message;\n`)).toEqual([]);
}, 60_000);

describeEachDatabase("every reply as Block Kit", (db) => {
  it("type-checks against @slack/types: messages and form modals, English and German", async () => {
    const replies = await everyReply(db().prisma);
    const lines = [HEADER];
    replies.forEach((r, i) => {
      const t = translator(r.locale);
      const message = renderReply(r.reply, { t });
      lines.push(`// ${r.locale} ${r.name}\nexport const m${i} = ${JSON.stringify(message)} satisfies Message;`);
      const form = formOf(r.reply);
      if (form) lines.push(`export const v${i} = ${JSON.stringify(formModal(form, { formId: form.id, channelId: null }, t))} satisfies ModalView;`);
    });
    expect(lines.length).toBeGreaterThan(replies.length);
    expect(typeErrors(lines.join("\n"))).toEqual([]);
  }, 180_000);
});
