/**
 * `npm run preview`: every reply kam sends (test/support/every-reply.ts: each command in English and
 * German, forms, flag lists, alerts, reminders, the digest) rendered as a Teams card by Microsoft's
 * own `adaptivecards` renderer in headless Chromium, with Teams' light and dark host configs
 * (scripts/preview/hostconfigs), at 340, 450 and 880 px. Writes one PNG per card, theme and width
 * into preview-out/ (gitignored) and a report of every text and button the renderer cut
 * (scrollWidth > clientWidth: an ellipsis or a clipped word), then exits non-zero if there was any.
 *
 *   npm run preview                      (all cards)
 *   npm run preview -- --only flags      (cards whose name contains "flags")
 *   npm run preview -- --widths 450 --themes light
 *
 * Needs Debian's chromium at /usr/bin/chromium (or CHROMIUM=/path). Only loopback: the page is
 * built from local files.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { chromium } from "playwright-core";
import { openDatabase } from "../src/db/client.ts";
import { replyActivity } from "../src/adapters/teams/messages.ts";
import { everyReply } from "../test/support/every-reply.ts";

const require = createRequire(import.meta.url);
const { values: args } = parseArgs({
  options: {
    only: { type: "string" },
    widths: { type: "string", default: "340,450,880" },
    themes: { type: "string", default: "light,dark" },
    out: { type: "string", default: "preview-out" },
  },
});
const widths = args.widths!.split(",").map(Number);
const themes = args.themes!.split(",") as ("light" | "dark")[];
const hostConfigs = {
  light: JSON.parse(readFileSync(new URL("./preview/hostconfigs/teams-light.json", import.meta.url), "utf8")),
  dark: JSON.parse(readFileSync(new URL("./preview/hostconfigs/teams-dark.json", import.meta.url), "utf8")),
};
/** The chat canvas behind a card in Teams' light and dark themes. */
const CANVAS = { light: "#f5f5f5", dark: "#1f1f1f" };

const db = await openDatabase({ kind: "pglite", dataDir: "memory" });
await db.migrate();
const replies = (await everyReply(db.prisma, { platform: "TEAMS" })).filter((r) => !args.only || r.name.includes(args.only));
await db.close();

const out = args.out!;
mkdirSync(out, { recursive: true });
const profile = mkdtempSync(join(tmpdir(), "kam-preview-"));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
  viewport: { width: 900, height: 800 },
});
const page = context.pages()[0] ?? (await context.newPage());
await page.setContent(`<!doctype html><html><head><meta charset="utf-8"><style>
  body { margin: 0; font-family: 'Segoe UI', system-ui, sans-serif; }
  #frame { padding: 12px; display: inline-block; }
  #card { border-radius: 6px; overflow: hidden; }
</style></head><body><div id="frame"><div id="card"></div></div></body></html>`);
await page.addStyleTag({ path: require.resolve("adaptivecards/dist/adaptivecards.css") }).catch(() => undefined);
await page.addScriptTag({ path: require.resolve("adaptivecards/dist/adaptivecards.js") });
// Teams renders markdown in TextBlocks (kam only uses it for <at> mentions): enough of it to look alike.
await page.evaluate(() => {
  const AC = (window as unknown as { AdaptiveCards: typeof import("adaptivecards") }).AdaptiveCards;
  AC.AdaptiveCard.onProcessMarkdown = (text, result) => {
    const html = text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/&lt;at&gt;(.*?)&lt;\/at&gt;/g, "<b>@$1</b>").replace(/\*\*(.+?)\*\*/g, "<b>$1</b>");
    result.outputHtml = `<p>${html}</p>`;
    result.didProcess = true;
  };
});

interface Cut {
  file: string;
  kind: "text" | "button";
  text: string;
}
const cuts: Cut[] = [];
let files = 0;
for (const r of replies) {
  const card = replyActivity(r.reply, r.locale).attachments![0]!.content;
  for (const theme of themes) {
    for (const width of widths) {
      const file = `${r.locale}-${r.name.replace(/[^\w.-]+/g, "_")}-${theme}-${width}.png`;
      const found = await page.evaluate(
        ({ card, hostConfig, width, canvas }) => {
          const AC = (window as unknown as { AdaptiveCards: typeof import("adaptivecards") }).AdaptiveCards;
          document.body.style.background = canvas;
          const holder = document.getElementById("card")!;
          holder.replaceChildren();
          holder.style.width = `${width}px`;
          const adaptive = new AC.AdaptiveCard();
          adaptive.hostConfig = new AC.HostConfig(hostConfig);
          adaptive.parse(card);
          const element = adaptive.render();
          if (element) holder.appendChild(element);
          const found: { kind: "text" | "button"; text: string }[] = [];
          for (const el of holder.querySelectorAll<HTMLElement>("button, .ac-pushButton")) {
            const label = el.querySelector<HTMLElement>("div, span") ?? el;
            if (label.scrollWidth > label.clientWidth + 1 || el.scrollWidth > el.clientWidth + 1) found.push({ kind: "button", text: el.innerText.trim() });
          }
          for (const el of holder.querySelectorAll<HTMLElement>(".ac-textBlock, .ac-richTextBlock, .ac-textRun, .ac-fact-title, .ac-fact-value")) {
            if (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).display !== "inline") found.push({ kind: "text", text: el.innerText.trim().slice(0, 120) });
          }
          // A word broken across lines inside a table cell: the cell is narrower than its longest word.
          for (const cellEl of holder.querySelectorAll<HTMLElement>(".ac-tableCell, [role='cell'], td")) {
            const range = document.createRange();
            range.selectNodeContents(cellEl);
            const words = (cellEl.innerText || "").split(/\s+/).filter(Boolean);
            const probe = document.createElement("span");
            probe.style.cssText = "position:absolute;visibility:hidden;white-space:nowrap";
            cellEl.appendChild(probe);
            for (const word of words) {
              probe.textContent = word;
              if (probe.offsetWidth > cellEl.clientWidth + 1) found.push({ kind: "text", text: `cell word broken: ${word}` });
            }
            probe.remove();
          }
          return found;
        },
        { card, hostConfig: hostConfigs[theme], width, canvas: CANVAS[theme] },
      );
      await page.locator("#frame").screenshot({ path: join(out, file) });
      files++;
      for (const f of found) cuts.push({ file, ...f });
    }
  }
}
await context.close();
rmSync(profile, { recursive: true, force: true });

const report = [
  `# Preview: ${replies.length} replies × ${themes.length} themes × ${widths.length} widths = ${files} PNGs in ${out}/`,
  "",
  cuts.length ? `## ${cuts.length} cut texts and buttons` : "Nothing cut: every text and button fits.",
  ...cuts.map((c) => `- ${c.file}: ${c.kind} "${c.text}"`),
  "",
].join("\n");
writeFileSync(join(out, "report.md"), report);
console.log(report.split("\n").slice(0, 60).join("\n"));
process.exitCode = cuts.length ? 1 : 0;
