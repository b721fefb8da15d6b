import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const KAM_BIN = fileURLToPath(new URL("../../bin/kam.js", import.meta.url));

export interface Child {
  process: ChildProcess;
  output(): string;
  /** Resolves with the first stdout/stderr text matching the pattern. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  exited: Promise<number | null>;
}

export function startChild(args: string[], env: Record<string, string> = {}): Child {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: "info", NODE_ENV: "test", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let text = "";
  const waiters: { pattern: RegExp; resolve: (m: RegExpMatchArray) => void }[] = [];
  const onData = (chunk: Buffer) => {
    text += chunk.toString("utf8");
    for (const w of [...waiters]) {
      const m = text.match(w.pattern);
      if (m) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
  };
  child.stdout!.on("data", onData);
  child.stderr!.on("data", onData);
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return {
    process: child,
    output: () => text,
    exited,
    waitFor(pattern, timeoutMs = 30_000) {
      const m = text.match(pattern);
      if (m) return Promise.resolve(m);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern}; output:\n${text}`)), timeoutMs);
        waiters.push({ pattern, resolve: (x) => (clearTimeout(timer), resolve(x)) });
        void exited.then((code) => {
          clearTimeout(timer);
          if (!text.match(pattern)) reject(new Error(`process exited (${code}) before ${pattern}; output:\n${text}`));
        });
      });
    },
  };
}

/** Runs `kam <args>` to completion. */
export async function runKam(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; output: string }> {
  const child = startChild([KAM_BIN, ...args], env);
  const code = await child.exited;
  return { code, output: child.output() };
}
