import type { Reply } from "./reply.ts";
import type { ChatRequest } from "./request.ts";

/**
 * What the core, the dispatcher and the checks report as they work, for whoever listens: `kam
 * serve` plugs its Prometheus metrics in here (src/metrics.ts). Nothing listens by default, so
 * `kam chat` and `kam jobs` load no metrics library.
 */
export interface Observers {
  request?(request: ChatRequest, reply: Reply, ms: number): void;
  delivery?(platform: string, result: { ok: true } | { ok: false; kind: string }, attempts: number): void;
  sweep?(timings: Record<string, number>): void;
}

export const observers: Observers = {};

/** `handle` as the platforms call it: the core's handler, timed for `observers.request`. */
export function observed<D>(handle: (deps: D, request: ChatRequest) => Promise<Reply>) {
  return async (deps: D, request: ChatRequest): Promise<Reply> => {
    if (!observers.request) return handle(deps, request);
    const started = performance.now();
    const reply = await handle(deps, request);
    try {
      observers.request?.(request, reply, performance.now() - started);
    } catch {
      // An observer's failure never costs the user the reply.
    }
    return reply;
  };
}
