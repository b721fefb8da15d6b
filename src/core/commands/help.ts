import { z } from "zod";
import { joinTokens } from "../grammar/tokens.ts";
import { heading, list, reply, text } from "../replies.ts";
import { defineCommand, type Command } from "./command.ts";

export const TOPICS = ["accounts", "team", "products", "orders", "projects", "invoices", "contracts", "programs", "trainings", "cases", "flags", "insights", "settings", "link", "inbox", "history", "tokens", "import", "export"] as const;

/** Filled in by the registry (index.ts) to avoid an import cycle. */
export const registry: { commands: Command[] } = { commands: [] };

export const help = defineCommand({
  name: "help",
  words: ["help"],
  topic: "help",
  writes: false,
  schema: z.object({ topic: z.string().max(40).optional() }),
  parse(args) {
    const topic = joinTokens(args).toLowerCase();
    return topic ? { topic } : {};
  },
  async run(ctx, input) {
    const topic = input.topic && (TOPICS as readonly string[]).find((t) => t.startsWith(input.topic!) || input.topic!.startsWith(t.replace(/s$/, "")));
    if (!topic) {
      const title = ctx.t("help.title");
      return reply(title, [
        heading(title),
        text(ctx.t("help.intro")),
        list(TOPICS.map((t) => `help ${t} — ${ctx.t(`help.topic.${t}`)}`)),
        text(ctx.t("help.tips"), "muted"),
      ]);
    }
    const commands = registry.commands.filter((c) => c.topic === topic);
    const title = ctx.t("help.topicTitle", { topic: ctx.t(`help.topic.${topic}`) });
    return reply(title, [heading(title), list(commands.map((c) => ctx.t(`usage.${c.name}`))), text(ctx.t(`help.more.${topic}`), "muted")]);
  },
});
