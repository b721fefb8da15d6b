import type { CoreDeps } from "./deps.ts";
import type { Reply } from "./reply.ts";
import type { ChatRequest } from "./request.ts";

/**
 * The one entry point of every platform: parses and validates the request, runs the command
 * through the domain services, and returns a platform-neutral reply. Never throws.
 * (Under construction: the command table lands in src/core/commands.)
 */
export async function handle(_deps: CoreDeps, request: ChatRequest): Promise<Reply> {
  return {
    ok: true,
    visibility: "caller",
    summary: "kam",
    blocks: [{ kind: "text", text: `kam received: ${request.text ?? request.form?.id ?? ""}` }],
  };
}
