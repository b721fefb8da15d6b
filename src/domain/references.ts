import { AmbiguousError, NotFoundError } from "./errors.ts";
import type { Tx } from "./tx.ts";
import { equalsIgnoringCase, startsWithIgnoringCase } from "./ignoring-case.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface Named {
  id: string;
  name: string;
}

/**
 * Picks one of an organization's named things by id, exact name (case-insensitive) or
 * unambiguous prefix. Candidates are always loaded within the caller's organization, so a name
 * or id from another organization is simply "not found".
 */
export function pickByName<T extends Named>(kind: string, ref: string, candidates: T[]): T {
  const wanted = ref.trim().toLowerCase();
  const byId = UUID.test(wanted) ? candidates.find((c) => c.id === wanted) : undefined;
  if (byId) return byId;
  const exact = candidates.filter((c) => c.name.toLowerCase() === wanted);
  if (exact.length === 1) return exact[0]!;
  const prefixed = exact.length > 1 ? exact : candidates.filter((c) => c.name.toLowerCase().startsWith(wanted));
  if (prefixed.length === 1) return prefixed[0]!;
  if (prefixed.length > 1) throw new AmbiguousError(kind, ref, prefixed.map((c) => c.name).sort().slice(0, 10));
  throw new NotFoundError(kind, ref);
}

export async function resolveAccount(tx: Tx, organizationId: string, ref: string) {
  const wanted = ref.trim();
  if (wanted === "") throw new NotFoundError("account", ref);
  const candidates = await tx.account.findMany({
    where: {
      organizationId,
      OR: [{ name: startsWithIgnoringCase(wanted) }, ...(UUID.test(wanted) ? [{ id: wanted }] : [])],
    },
    take: 50,
  });
  // An archived account is found by its exact name or id only: it no longer completes a prefix.
  const lower = wanted.toLowerCase();
  const live = candidates.filter((c) => c.archivedAt === null || c.name.toLowerCase() === lower || c.id === lower);
  return pickByName("account", wanted, live);
}

export async function resolveProduct(tx: Tx, organizationId: string, ref: string) {
  const wanted = ref.trim();
  if (wanted === "") throw new NotFoundError("product", ref);
  const bySku = await tx.product.findFirst({ where: { organizationId, sku: equalsIgnoringCase(wanted) } });
  if (bySku) return bySku;
  const candidates = await tx.product.findMany({
    where: { organizationId, name: startsWithIgnoringCase(wanted) },
    take: 50,
  });
  return pickByName("product", wanted, candidates);
}

/** Members are named by display name, email or a platform mention id. */
export async function resolveMember(tx: Tx, organizationId: string, ref: string) {
  const wanted = ref.trim().replace(/^@/, "");
  if (wanted === "") throw new NotFoundError("member", ref);
  if (UUID.test(wanted)) {
    const byId = await tx.member.findFirst({ where: { organizationId, id: wanted.toLowerCase() } });
    if (byId) return byId;
  }
  const identity = await tx.memberIdentity.findFirst({ where: { organizationId, externalId: wanted } });
  if (identity) return tx.member.findUniqueOrThrow({ where: { id: identity.memberId } });
  const byEmail = await tx.member.findFirst({ where: { organizationId, email: equalsIgnoringCase(wanted) } });
  if (byEmail) return byEmail;
  const candidates = await tx.member.findMany({
    where: { organizationId, displayName: startsWithIgnoringCase(wanted) },
    take: 50,
  });
  return pickByName("member", wanted, candidates.map((m) => ({ ...m, name: m.displayName })));
}

/** "17", "#17", "O-17" → 17 for kinds numbered per organization. */
export function parseNumberRef(kind: string, ref: string, prefix: string): number {
  const m = new RegExp(`^(?:#|${prefix}-?)?(\\d{1,9})$`, "i").exec(ref.trim());
  if (!m) throw new NotFoundError(kind, ref);
  return Number(m[1]);
}

const PREFIXES = { order: "O", contract: "K", case: "C", program: "MP" } as const;

/**
 * The number of an order, contract, case or marketing program named by kam's reference ("O-17", "#17", "17") or by
 * the ERP's own number it was imported with ("SO-4711", "4500123"). kam's reference wins when a
 * record has it; a bare number no record has as kam's is looked up as an ERP number.
 */
export async function recordNumber(tx: Tx, kind: keyof typeof PREFIXES, organizationId: string, ref: string): Promise<number> {
  const wanted = ref.trim();
  const m = new RegExp(`^(?:#|${PREFIXES[kind]}-?)?(\\d{1,9})$`, "i").exec(wanted);
  const find = (where: { number: number } | { externalRef: string }) => {
    const query = { where: { organizationId, ...where }, select: { number: true } };
    return kind === "order" ? tx.order.findFirst(query)
      : kind === "contract" ? tx.contract.findFirst(query)
      : kind === "program" ? tx.marketingProgram.findFirst(query)
      : tx.case.findFirst(query);
  };
  if (m && (await find({ number: Number(m[1]) }))) return Number(m[1]);
  const external = wanted && wanted.length <= 60 ? await find({ externalRef: wanted }) : null;
  if (external) return external.number;
  if (m) return Number(m[1]);
  throw new NotFoundError(kind, ref);
}
