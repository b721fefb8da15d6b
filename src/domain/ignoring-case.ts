/**
 * Case-insensitive matches of a user's text. Prisma turns `equals` and `startsWith` with
 * `mode: "insensitive"` into ILIKE without escaping the pattern characters, so `%` and `_` in a name
 * were wildcards (`team remove ACME %` removed someone) and a trailing `\` an SQL error. These
 * escape them, so that the text matches as written.
 */
const escapeLike = (text: string) => text.replace(/[\\%_]/g, "\\$&");

export function equalsIgnoringCase(text: string) {
  return { equals: escapeLike(text), mode: "insensitive" as const };
}

export function startsWithIgnoringCase(text: string) {
  return { startsWith: escapeLike(text), mode: "insensitive" as const };
}
