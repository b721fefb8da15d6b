import { pino, type Logger } from "pino";

export type { Logger };

// Anything that can carry a credential is removed from log lines, wherever it appears.
const redact = {
  paths: [
    "token", "*.token", "authorization", "*.authorization", "headers.authorization",
    "req.headers.authorization", "*.headers.authorization", "password", "*.password",
    "secret", "*.secret", "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN",
    "MicrosoftAppPassword", "DATABASE_URL", "*.DATABASE_URL", "config.*",
  ],
  censor: "[redacted]",
};

export function createLogger(options: { level: string; pretty: boolean; destination?: number }): Logger {
  if (options.pretty) {
    return pino({
      level: options.level,
      redact,
      transport: { target: "pino-pretty", options: { colorize: true, destination: options.destination ?? 1 } },
    });
  }
  return pino({ level: options.level, redact }, pino.destination(options.destination ?? 1));
}
