import type { Actor } from "./actor.ts";
import { NotFoundError } from "./errors.ts";
import { resolveInvoice } from "./invoices.ts";
import { requireAccount, requireOrg } from "./permissions.ts";
import { parseNumberRef, resolveAccount, resolveMember } from "./references.ts";
import type { Tx } from "./tx.ts";
import { equalsIgnoringCase } from "./ignoring-case.ts";

/**
 * The records whose changes `history` shows and `undo` takes back, by Prisma model name (the
 * entityType of their audit events): how to load one, how to name it (O-12), whose account it
 * belongs to, and who may change it. Another record kind joins by adding an entry here.
 */
export interface RecordRow {
  id: string;
  version: number;
  [field: string]: unknown;
}

interface Delegate {
  findFirst(args: { where: Record<string, unknown> }): Promise<RecordRow | null>;
  updateMany(args: { where: Record<string, unknown>; data: Record<string, unknown> }): Promise<{ count: number }>;
}

export interface RecordKind {
  model: string;
  /** The Prisma delegate's property on the client ("order" for Order). */
  delegate: string;
  /** Its records carry organizationId themselves (a Milestone does; a CreditNote would not). */
  ref(row: RecordRow): string;
  accountId(tx: Tx, row: RecordRow): Promise<string | null>;
  /** May the actor change it? Throws ForbiddenError. */
  authorize(tx: Tx, actor: Actor, row: RecordRow): Promise<void>;
}

const byAccount = (prefix: string, numberField = "number"): Pick<RecordKind, "ref" | "accountId" | "authorize"> => ({
  ref: (r) => `${prefix}-${String(r[numberField])}`,
  accountId: async (_tx, r) => String(r.accountId),
  authorize: (tx, actor, r) => requireAccount(tx, actor, "account.write", String(r.accountId)),
});

async function milestoneAccount(tx: Tx, row: RecordRow): Promise<string> {
  const project = await tx.project.findUniqueOrThrow({ where: { id: String(row.projectId) }, select: { accountId: true } });
  return project.accountId;
}

export const RECORD_KINDS: Record<string, RecordKind> = {
  Order: { model: "Order", delegate: "order", ...byAccount("O") },
  Invoice: { model: "Invoice", delegate: "invoice", ...byAccount("I", "refNumber") },
  Contract: { model: "Contract", delegate: "contract", ...byAccount("K") },
  Project: { model: "Project", delegate: "project", ...byAccount("P") },
  Case: { model: "Case", delegate: "case", ...byAccount("C") },
  Training: { model: "Training", delegate: "training", ...byAccount("T") },
  MarketingProgram: { model: "MarketingProgram", delegate: "marketingProgram", ...byAccount("MP") },
  Milestone: {
    model: "Milestone",
    delegate: "milestone",
    ref: (r) => `M-${String(r.number)}`,
    accountId: milestoneAccount,
    authorize: async (tx, actor, r) => requireAccount(tx, actor, "account.write", await milestoneAccount(tx, r)),
  },
  Account: {
    model: "Account",
    delegate: "account",
    ref: (r) => String(r.name),
    accountId: async (_tx, r) => r.id,
    authorize: (tx, actor, r) => requireAccount(tx, actor, "account.write", r.id),
  },
  Product: {
    model: "Product",
    delegate: "product",
    ref: (r) => String(r.sku),
    accountId: async () => null,
    authorize: (tx, actor) => requireOrg(tx, actor, "product.write"),
  },
  Member: {
    model: "Member",
    delegate: "member",
    ref: (r) => String(r.displayName),
    accountId: async () => null,
    authorize: (tx, actor) => requireOrg(tx, actor, "settings.change"),
  },
};

export function delegateOf(tx: Tx, kind: RecordKind): Delegate {
  return (tx as unknown as Record<string, Delegate>)[kind.delegate]!;
}

export async function loadRecord(tx: Tx, organizationId: string, model: string, id: string): Promise<{ kind: RecordKind; row: RecordRow } | null> {
  const kind = RECORD_KINDS[model];
  if (!kind) return null;
  const row = await delegateOf(tx, kind).findFirst({ where: { id, organizationId } });
  return row ? { kind, row } : null;
}

const NUMBERED: [RegExp, string, string][] = [
  [/^(?:#|O-?)(\d{1,9})$/i, "Order", "order"],
  [/^K-?(\d{1,9})$/i, "Contract", "contract"],
  [/^P-?(\d{1,9})$/i, "Project", "project"],
  [/^M-?(\d{1,9})$/i, "Milestone", "milestone"],
  [/^C-?(\d{1,9})$/i, "Case", "case"],
  [/^T-?(\d{1,9})$/i, "Training", "training"],
  [/^MP-?(\d{1,9})$/i, "MarketingProgram", "program"],
];

/**
 * The record a reference names, for `history`: O-12, I-3, K-2, P-3, M-4, C-5, T-6, MP-6, F-7, else an
 * account (by name), a product (by SKU) or a member. Only within the caller's organization.
 */
export async function resolveRecordRef(tx: Tx, organizationId: string, ref: string): Promise<{ model: string; id: string; label: string; accountId: string | null }> {
  const wanted = ref.trim();
  for (const [pattern, model, kind] of NUMBERED) {
    const m = pattern.exec(wanted);
    if (!m) continue;
    const found = await delegateOf(tx, RECORD_KINDS[model]!).findFirst({ where: { organizationId, number: Number(m[1]) } });
    if (!found) throw new NotFoundError(kind, wanted);
    return { model, id: found.id, label: RECORD_KINDS[model]!.ref(found), accountId: await RECORD_KINDS[model]!.accountId(tx, found) };
  }
  if (/^F-?\d{1,9}$/i.test(wanted)) {
    const flag = await tx.flag.findFirst({ where: { organizationId, number: parseNumberRef("flag", wanted, "F") } });
    if (!flag) throw new NotFoundError("flag", wanted);
    return { model: "Flag", id: flag.id, label: `F-${flag.number}`, accountId: flag.accountId };
  }
  if (/^I-?\d{1,9}$/i.test(wanted)) {
    const invoice = await resolveInvoice(tx, organizationId, wanted);
    return { model: "Invoice", id: invoice.id, label: `I-${invoice.refNumber}`, accountId: invoice.accountId };
  }
  const product = await tx.product.findFirst({ where: { organizationId, sku: equalsIgnoringCase(wanted) } });
  if (product) return { model: "Product", id: product.id, label: product.sku, accountId: null };
  try {
    const account = await resolveAccount(tx, organizationId, wanted);
    return { model: "Account", id: account.id, label: account.name, accountId: account.id };
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
  }
  try {
    const member = await resolveMember(tx, organizationId, wanted);
    return { model: "Member", id: member.id, label: member.displayName, accountId: null };
  } catch (error) {
    if (error instanceof NotFoundError) throw new NotFoundError("record", wanted);
    throw error;
  }
}
