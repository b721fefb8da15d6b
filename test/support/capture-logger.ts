import { pino, type Logger } from "pino";

/** A JSON logger whose lines a test can read (level names as text, as in production). */
export function captureLogger(level = "info"): { logger: Logger; lines: Record<string, unknown>[]; since(mark: number): Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const logger = pino(
    { level, formatters: { level: (label) => ({ level: label }) } },
    { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
  );
  return { logger, lines, since: (mark) => lines.slice(mark) };
}
