import { auditChange, diffFields } from "../../changes.ts";
import { SLA_HOURS } from "../../cases.ts";
import { InvalidInputError } from "../../errors.ts";
import type { CasePriority } from "../../../generated/prisma/enums.ts";
import { audit, nextNumber } from "../../tx.ts";
import { inField, kamNumber, onLine, record, type ImportContext, type Row } from "../context.ts";
import { parseInstant } from "../instants.ts";
import type { CanonicalRow } from "../kinds.ts";
import { AccountLookup } from "../lookups.ts";

const FIELDS = ["accountId", "subject", "priority", "status", "openedAt", "slaDueAt", "closedAt"] as const;

/** Cases by their ERP or helpdesk number (`case`); a `closed_at` closes the case. */
export async function importCases(ctx: ImportContext, rows: Row<CanonicalRow<"cases">>[]): Promise<void> {
  const { tx, actor } = ctx;
  const organizationId = actor.organizationId;
  const accounts = new AccountLookup(ctx);
  await accounts.preload(rows.map((r) => r.values.account));
  const refs = rows.map((r) => r.values.case);
  const numbers = refs.map((r) => kamNumber(r, "C")).filter((n) => n !== null);
  const existing = new Map(
    (await tx.case.findMany({ where: { organizationId, OR: [{ externalRef: { in: refs } }, { number: { in: numbers }, externalRef: null }] } }))
      .map((c) => [c.externalRef ?? `C-${c.number}`, c]),
  );
  const seen = new Map<string, number>();
  for (const { line, values } of rows) {
    await onLine(ctx, line, undefined, async () => {
      const first = seen.get(values.case);
      if (first !== undefined) throw new InvalidInputError("case", "import.duplicateRow", { first });
      seen.set(values.case, line);
      const account = await inField("account", accounts.resolve(values.account));
      const priority = (values.priority?.toUpperCase() ?? "NORMAL") as CasePriority;
      const openedAt = parseInstant(values.opened_at, ctx.org.timeZone);
      const closedAt = values.closed_at ? parseInstant(values.closed_at, ctx.org.timeZone) : null;
      if (closedAt && closedAt < openedAt) throw new InvalidInputError("closed_at", "error.dateTooEarly", { min: values.opened_at });
      const wanted = {
        accountId: account.id,
        subject: values.subject,
        priority,
        status: closedAt ? ("CLOSED" as const) : ("OPEN" as const),
        openedAt,
        slaDueAt: new Date(openedAt.getTime() + SLA_HOURS[priority] * 3_600_000),
        closedAt,
      };
      const kam = kamNumber(values.case, "C");
      const found = existing.get(kam === null ? values.case : `C-${kam}`);
      if (!found && kam !== null) throw new InvalidInputError("case", "error.notFound", { kind: "case", ref: values.case });
      if (!found) {
        const number = await nextNumber(tx, organizationId, "case");
        const created = await tx.case.create({ data: { organizationId, number, externalRef: values.case, ...wanted } });
        await audit(tx, actor, "case.import", "Case", created.id, { number, externalRef: values.case, ...wanted });
        record(ctx, line, `C-${number}`, "created");
        return;
      }
      const changes = diffFields(found, wanted, FIELDS);
      if (Object.keys(changes).length === 0) {
        record(ctx, line, `C-${found.number}`, "unchanged");
        return;
      }
      const updated = await tx.case.update({ where: { id: found.id }, data: { ...wanted, version: { increment: 1 } } });
      await auditChange(tx, actor, "case.import", "Case", found.id, updated.version, changes, { externalRef: values.case });
      record(ctx, line, `C-${found.number}`, "changed");
    });
  }
}
