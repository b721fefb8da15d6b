import { readFileSync, writeFileSync } from "node:fs";
import type { Command } from "commander";
import type { Config } from "./config.ts";
import type { Database } from "./db/client.ts";
import type { Logger } from "./logger.ts";

export type OpenForExchange = () => Promise<{ config: Config; db: Database; logger: Logger }>;

/**
 * `kam import` and `kam export`: as the local member of the local organization, like `kam chat`
 * (KAM_CHAT_USER). Import exits 1 listing every error with its line when anything is wrong.
 */
export function registerExchangeCommands(program: Command, open: OpenForExchange): void {
  program
    .command("import")
    .description("import a CSV file (accounts, products, orders, invoices, contracts, programs, cases, milestones, trainings), all or nothing")
    .argument("[file]", "the CSV file")
    .option("--kind <kind>", "what the file holds (told by its header when left out)")
    .option("--dry-run", "check the file and show what would change, writing nothing")
    .option("--template <kind>", "print the header row of a kind and exit")
    .action(async (file: string | undefined, options: { kind?: string; dryRun?: boolean; template?: string }) => {
      const { COLUMNS, EXCHANGE_KINDS, isExchangeKind } = await import("./domain/exchange/kinds.ts");
      const refuse = (text: string): never => {
        process.stderr.write(`kam: ${text}\n`);
        process.exit(2);
      };
      const kinds = EXCHANGE_KINDS.join(", ");
      if (options.template !== undefined) {
        if (!isExchangeKind(options.template)) refuse(`unknown kind "${options.template}": one of ${kinds}`);
        process.stdout.write(COLUMNS[options.template as keyof typeof COLUMNS].join(",") + "\n");
        return;
      }
      if (options.kind !== undefined && !isExchangeKind(options.kind)) refuse(`unknown kind "${options.kind}": one of ${kinds}`);
      if (!file) refuse("say which file to import: kam import <file.csv> [--kind <kind>] [--dry-run], or kam import --template <kind>");
      let text = "";
      const { decodeCsv } = await import("./domain/exchange/csv.ts");
      try {
        text = decodeCsv(readFileSync(file!));
      } catch (error) {
        refuse(`cannot read ${file}: ${(error as Error).message}`);
      }
      const { config, db } = await open();
      const code = await withLocalActor(db, config, async (actor, t) => {
        const { importFile } = await import("./domain/exchange/import-file.ts");
        const { importReport } = await import("./core/messages/exchange.ts");
        const result = await importFile(db.prisma, actor, text, { dryRun: options.dryRun === true, ...(options.kind ? { kind: options.kind as never } : {}) });
        const lines = importReport(t, result);
        (result.errors.length ? process.stderr : process.stdout).write(lines.join("\n") + "\n");
        return result.errors.length ? 1 : 0;
      });
      process.exit(code);
    });

  program
    .command("export")
    .description("write a kind's records as CSV (the import's columns), or the flags")
    .argument("<kind>", "accounts, products, orders, invoices, contracts, programs, cases, milestones, trainings or flags")
    .option("--account <account>", "only this account's records")
    .option("--since <date>", "only records dated on or after this day (YYYY-MM-DD)")
    .option("--out <file>", "write to this file instead of standard output")
    .action(async (kind: string, options: { account?: string; since?: string; out?: string }) => {
      const { EXCHANGE_KINDS, isExchangeKind } = await import("./domain/exchange/kinds.ts");
      if (kind !== "flags" && !isExchangeKind(kind)) {
        process.stderr.write(`kam: unknown kind "${kind}": one of ${EXCHANGE_KINDS.join(", ")}, flags\n`);
        process.exit(2);
      }
      const { config, db } = await open();
      const code = await withLocalActor(db, config, async (actor) => {
        const { exportColumns, exportRows } = await import("./domain/exchange/export.ts");
        const { writeCsv } = await import("./domain/exchange/csv.ts");
        const rows = await exportRows(db.prisma, actor, kind as never, {
          ...(options.account ? { account: options.account } : {}),
          ...(options.since ? { since: options.since } : {}),
        });
        const csv = writeCsv(exportColumns(kind as never), rows);
        if (options.out) writeFileSync(options.out, csv);
        else process.stdout.write(csv);
        return 0;
      });
      process.exit(code);
    });
}

/** Runs `work` as the local member; a refusal of the domain (unknown account…) is printed, exit 1. */
async function withLocalActor(
  db: Database,
  config: Config,
  work: (actor: import("./domain/actor.ts").Actor, t: import("./core/i18n/index.ts").Translate) => Promise<number>,
): Promise<number> {
  const { localIdentity } = await import("./adapters/terminal/chat.ts");
  const { systemClock } = await import("./core/clock.ts");
  const { createLogger } = await import("./logger.ts");
  const { toLocale, translator } = await import("./core/i18n/index.ts");
  const { DomainError } = await import("./domain/errors.ts");
  const now = systemClock;
  const deps = { db: db.prisma, logger: createLogger({ level: "warn", pretty: false, destination: 2 }), now };
  try {
    const { org, member } = await localIdentity(deps, config.KAM_CHAT_USER);
    const t = translator(toLocale(member.locale) ?? toLocale(org.locale) ?? "en");
    try {
      return await work({ organizationId: org.id, memberId: member.id, platform: "TERMINAL", now: now() }, t);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      const params: Record<string, string | number> = { ...error.params };
      if (typeof params.field === "string") params.fieldName = params.field;
      process.stderr.write(`kam: ${t(error.key, params)}\n`);
      return 1;
    }
  } finally {
    await db.close();
  }
}
