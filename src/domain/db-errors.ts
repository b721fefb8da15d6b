/**
 * Database errors a caller can answer rather than fail on. Prisma reports PostgreSQL's code in its
 * message (interactive transactions), in `meta.code`, or in the driver adapter's cause (raw queries).
 */
type DbError = { code?: unknown; message?: unknown; meta?: { code?: unknown; driverAdapterError?: { cause?: { kind?: unknown; originalCode?: unknown } } } };

function hasPgCode(error: unknown, code: string): boolean {
  const e = error as DbError | undefined;
  return e?.meta?.code === code || e?.meta?.driverAdapterError?.cause?.originalCode === code;
}

/** A lock not granted within `lock_timeout` (55P03): someone else still holds it. */
export function isLockTimeout(error: unknown): boolean {
  const text = String((error as DbError | undefined)?.message ?? "");
  return hasPgCode(error, "55P03") || text.includes("55P03") || /lock timeout/i.test(text);
}

/** A unique constraint hit by a concurrent writer (Prisma's P2002, or PostgreSQL's 23505 through a raw query). */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as DbError | undefined;
  return e?.code === "P2002" || hasPgCode(error, "23505") || e?.meta?.driverAdapterError?.cause?.kind === "UniqueConstraintViolation";
}
