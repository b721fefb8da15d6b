import type { z } from "zod";
import type { CommandContext } from "../context.ts";
import type { Form, Reply } from "../reply.ts";
import type { Token } from "../grammar/tokens.ts";

/** A mistake in how a command was written; `field` names the form field when it came from a form. */
export class UsageError extends Error {
  constructor(
    readonly key: string,
    readonly params: Record<string, string | number> = {},
    readonly field?: string,
  ) {
    super(key);
  }
}

export type FormValues = Record<string, string | string[] | undefined>;

/**
 * One command of the grammar, declared once: its words, its help topic, whether it writes, how
 * text and form values become its input object (the same object either way), the zod schema that
 * validates that object, and what it does.
 */
export interface Command<S extends z.ZodType = z.ZodType> {
  /** "order.log" */
  name: string;
  /** ["order", "log"]; the longest match wins. */
  words: string[];
  topic: string;
  writes: boolean;
  /** Changes who the caller is or where they are (language, time zone, organization) without being a shared write. */
  changesContext?: boolean;
  /** Its reply holds a secret (a link code): never kept in the idempotency store. */
  sensitive?: boolean;
  /** Text arguments → input object (before validation). Throws UsageError. */
  parse(args: Token[], ctx: CommandContext): unknown | Promise<unknown>;
  schema: S;
  /** A form to fill in when the command is given without arguments. */
  form?(ctx: CommandContext, values?: FormValues): Promise<Form> | Form;
  /** Form values → input object (before validation). Throws UsageError with `field`. */
  fromForm?(values: FormValues, ctx: CommandContext): unknown;
  /** Maps a validation path ("lines.0.quantity") to a form field name ("quantity1"). */
  formField?(path: string): string | undefined;
  run(ctx: CommandContext, input: z.infer<S>): Promise<Reply>;
}

export function defineCommand<S extends z.ZodType>(command: Command<S>): Command<S> {
  return command;
}
