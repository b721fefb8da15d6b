import type { Response } from "express";
import { z } from "zod";

/**
 * RFC 9457 problem details, the body of every error answer of the HTTP API. `type` names the kind
 * of problem (a URN, stable for clients to branch on), `errors` lists what was wrong with which
 * row (`index` in the array that was posted, 0 for a single object) and field.
 */
export const problemSchema = z
  .object({
    type: z.string().describe("A URN naming the kind of problem, e.g. urn:kam:problem:invalid-rows"),
    title: z.string().describe("A short summary of the kind of problem"),
    status: z.number().int().min(400).max(599),
    detail: z.string().describe("What went wrong in this request"),
    errors: z
      .array(
        z.object({
          index: z.number().int().min(0).optional().describe("The position of the row in the posted array (0 for a single object)"),
          field: z.string().optional().describe("The field (CSV column name, or query parameter) at fault"),
          detail: z.string(),
        }),
      )
      .optional(),
  })
  .describe("RFC 9457 problem details");

export type Problem = z.infer<typeof problemSchema>;
export type ProblemError = NonNullable<Problem["errors"]>[number];

export const PROBLEMS = {
  "bad-request": { status: 400, title: "Bad request" },
  "malformed-json": { status: 400, title: "Malformed JSON" },
  "invalid-query": { status: 400, title: "Invalid query parameters" },
  "invalid-idempotency-key": { status: 400, title: "Invalid Idempotency-Key" },
  unauthorized: { status: 401, title: "Unauthorized" },
  forbidden: { status: 403, title: "Forbidden" },
  "not-found": { status: 404, title: "Not found" },
  "request-in-progress": { status: 409, title: "Request in progress" },
  "method-not-allowed": { status: 405, title: "Method not allowed" },
  conflict: { status: 409, title: "Conflict" },
  "body-too-large": { status: 413, title: "Request body too large" },
  "unsupported-media-type": { status: 415, title: "Unsupported media type" },
  "invalid-rows": { status: 422, title: "Invalid rows" },
  "idempotency-key-reused": { status: 422, title: "Idempotency-Key reused" },
  ambiguous: { status: 422, title: "Ambiguous reference" },
  internal: { status: 500, title: "Internal error" },
} as const satisfies Record<string, { status: number; title: string }>;

export type ProblemType = keyof typeof PROBLEMS;

export function problem(type: ProblemType, detail: string, errors?: ProblemError[]): Problem {
  const { status, title } = PROBLEMS[type];
  return { type: `urn:kam:problem:${type}`, title, status, detail, ...(errors?.length ? { errors } : {}) };
}

export function sendProblem(res: Response, body: Problem): void {
  res.status(body.status).type("application/problem+json").send(JSON.stringify(body));
}

/** A problem raised inside a route and answered by the router's error handler. */
export class HttpProblem extends Error {
  constructor(readonly body: Problem) {
    super(body.detail);
  }
}
