import type { z } from "zod";
import { InvalidInputError } from "./errors.ts";

/**
 * The message key of a command's validation problem: a number over its maximum is too large, text
 * too long. (validate() below still says tooLong for both: the domain tests assert that key.)
 */
export function issueKey(issue: z.core.$ZodIssue): string {
  if (issue.code === "too_big") return issue.origin === "number" || issue.origin === "bigint" ? "error.tooLarge" : "error.tooLong";
  if (issue.code === "too_small") return "error.tooShort";
  return "error.invalidField";
}

/** Parses a service's input; the first problem becomes an InvalidInputError naming the field. */
export function validate<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.filter((p) => typeof p === "string").join(".") || "input";
  const key =
    issue.code === "too_big" ? "error.tooLong"
    : issue.code === "too_small" ? "error.tooShort"
    : "error.invalidField";
  const maximum = "maximum" in issue ? Number(issue.maximum) : 0;
  throw new InvalidInputError(field, key, maximum ? { max: maximum } : {});
}
