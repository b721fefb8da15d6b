import "dotenv/config";
import { readFileSync } from "node:fs";
import { Command } from "commander";
import { ConfigError, loadConfig, type Config } from "./config.ts";
import { databaseOptions, openDatabase, type Db } from "./db/client.ts";
import { createLogger, type Logger } from "./logger.ts";
import { systemClock } from "./core/clock.ts";
import { registerJobCommands } from "./scheduler/jobs-command.ts";
import { registerExchangeCommands } from "./exchange-cli.ts";
import { registerSlackManifestCommand } from "./adapters/slack/manifest-command.ts";
import { registerTeamsManifestCommand } from "./adapters/teams/manifest-command.ts";
import type { Kam } from "./runtime.ts";
import type { LocalIdentity } from "./adapters/terminal/chat.ts";

function setup(): { config: Config; logger: Logger } {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`kam: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger({ level: config.LOG_LEVEL, pretty: config.NODE_ENV !== "production" && process.stdout.isTTY === true });
  return { config, logger };
}

function fail(error: unknown): never {
  process.stderr.write(`kam: ${(error as Error).message}\n`);
  process.exit(1);
}

/**
 * Under `npm start` kam's parent is npm (its script shell execs node): should npm go away without
 * passing a signal on (killed, or an npm that forwards nothing), kam stops too rather than
 * keeping the data directory locked as an orphan.
 */
function watchParent(onGone: () => void) {
  if (!process.env.npm_lifecycle_event) return;
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid !== parent) {
      clearInterval(timer);
      onGone();
    }
  }, 1_000);
  timer.unref();
}

// src/cli.ts and dist/cli.js both sit one folder below package.json.
const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };
const program = new Command("kam").description("kam, the key-account assistant for Slack and Microsoft Teams").version(version, "-V, --version", "print kam's version");

program
  .command("serve")
  .description("run the HTTP server (Slack, Teams, /healthz) and the scheduler (the default command)")
  .action(async () => {
    const { config, logger } = setup();
    // The handlers go in before anything listens: a process manager that saw /healthz answer may
    // send SIGTERM at once, and that must stop kam cleanly (data directory unlocked), not kill it.
    let kam: Kam | null = null;
    let stopping: string | null = null;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = signal;
      logger.info({ signal }, "shutting down");
      // Still starting: the start finishes first, then stops (see below).
      if (!kam) return;
      await kam.stop();
      process.exit(0);
    };
    process.on("SIGINT", () => void stop("SIGINT"));
    process.on("SIGTERM", () => void stop("SIGTERM"));
    process.on("SIGHUP", () => void stop("SIGHUP"));
    watchParent(() => void stop("parent exited"));
    // The server's modules first (loaded here so that `kam chat` and `kam migrate` do not load
    // them), then the database opens while startKam loads the configured platforms. Opening PGlite
    // on a directory a killed kam left behind while the server's CommonJS packages were still
    // being imported gave them empty exports (prom-client's `Registry` undefined, in dist/ only).
    const { startKam } = await import("./runtime.ts");
    const database = openDatabase(databaseOptions(config));
    database.catch(() => {}); // reported by startKam
    kam = await startKam(config, logger, { database }).catch(fail);
    if (stopping) {
      await kam.stop();
      process.exit(0);
    }
  });

program
  .command("migrate")
  .description("apply the database migrations that are not applied yet")
  .action(async () => {
    const { config } = setup();
    const db = await openDatabase(databaseOptions(config)).catch(fail);
    try {
      const report = await db.migrate({ verify: true });
      console.log(
        report.applied.length
          ? `Applied ${report.applied.length} migration(s): ${report.applied.join(", ")}`
          : `Database is up to date (${report.alreadyApplied} migration(s) applied).`,
      );
    } catch (error) {
      await db.close();
      fail(error);
    }
    await db.close();
  });

program
  .command("seed")
  .description("load data")
  .option("--demo", "a demo organization with national accounts, products, orders, projects, invoices and contracts")
  .action(async (options: { demo?: boolean }) => {
    if (!options.demo) fail(new Error("say what to seed: kam seed --demo"));
    const { config } = setup();
    const db = await openDatabase(databaseOptions(config)).catch(fail);
    try {
      await db.migrate();
      const { seedDemo } = await import("./db/seed-demo.ts");
      const summary = await seedDemo(db.prisma, systemClock());
      console.log(summary);
    } catch (error) {
      await db.close();
      fail(error);
    }
    await db.close();
  });

program
  .command("chat")
  .description("talk to kam from the terminal, as the local member (KAM_CHAT_USER)")
  .option("-c, --command <text>", "run one command, print the reply and exit (non-zero when refused)")
  .action(async (options: { command?: string }) => {
    const { config } = setup();
    const logger = createLogger({ level: config.LOG_LEVEL === "info" ? "warn" : config.LOG_LEVEL, pretty: false, destination: 2 });
    // Once PGlite has begun to start, the command language (every command, chrono-node, the
    // catalogues) loads while it does, and who the user is is asked (see OpenHooks; asked again
    // after migrating should that fail).
    let chat: Promise<[typeof import("./adapters/terminal/render.ts"), typeof import("./adapters/terminal/chat.ts")]> | undefined;
    let known: Promise<LocalIdentity | null> = Promise.resolve(null);
    const whileStarting = (prisma: Db) => {
      chat = Promise.all([import("./adapters/terminal/render.ts"), import("./adapters/terminal/chat.ts")]);
      known = chat.then(([, c]) => c.findLocalIdentity(prisma, config.KAM_CHAT_USER)).catch(() => null);
    };
    const db = await openDatabase(databaseOptions(config), { whileStarting }).catch(fail);
    await db.migrate();
    const [{ renderText }, { deliverPending, localIdentity, newNotifications, repl, runOnce }] = await chat!;
    const deps = { db: db.prisma, logger, now: systemClock };
    if (options.command !== undefined) {
      const identity = await localIdentity(deps, config.KAM_CHAT_USER, await known);
      await deliverPending(deps);
      const reply = await runOnce(deps, identity, options.command);
      process.stdout.write(renderText(reply) + "\n");
      // As the prompt would: what arrived for the user (reminders, alerts) follows the answer.
      const arrived = await newNotifications(deps, identity);
      if (arrived) process.stdout.write(arrived + "\n");
      await db.close();
      process.exit(reply.ok ? 0 : 1);
    }
    await repl(deps, config.KAM_CHAT_USER);
    await db.close();
  });

const manifest = program.command("manifest").description("print or package the Slack and Teams app manifests");
registerSlackManifestCommand(manifest);
registerTeamsManifestCommand(manifest);

registerJobCommands(program, async () => {
  const { config, logger } = setup();
  const db = await openDatabase(databaseOptions(config)).catch(fail);
  await db.migrate();
  return { config, db, logger };
});

registerExchangeCommands(program, async () => {
  const { config, logger } = setup();
  const db = await openDatabase(databaseOptions(config)).catch(fail);
  await db.migrate();
  return { config, db, logger };
});

const COMMANDS = program.commands.map((c) => c.name());
program.on("command:*", (operands: string[]) => {
  process.stderr.write(`kam: unknown command "${operands[0]}". Commands: ${COMMANDS.join(", ")} (kam help <command> for more).\n`);
  process.exit(2);
});

// `kam` alone serves, as it always did.
const args = process.argv.slice(2);
await program.parseAsync(args.length === 0 ? [...process.argv, "serve"] : process.argv);
