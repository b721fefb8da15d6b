import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { JSDOM } from "jsdom";

/**
 * Microsoft's own Adaptive Cards renderer (the `adaptivecards` package), loaded into a jsdom window:
 * its package root does not load under Node 20, its browser bundle does. One window per process.
 */
type SDK = typeof import("adaptivecards");

const require = createRequire(import.meta.url);
let sdk: SDK | undefined;

export function adaptiveCardsSdk(): SDK {
  if (sdk) return sdk;
  const dom = new JSDOM("<!doctype html><html><body></body></html>", { runScripts: "outside-only", pretendToBeVisual: true });
  const source = readFileSync(require.resolve("adaptivecards/dist/adaptivecards.js"), "utf8");
  dom.window.eval(source);
  sdk = (dom.window as unknown as { AdaptiveCards: SDK }).AdaptiveCards;
  // Markdown is Teams' business; the checks here are about structure, so text is taken as it is.
  sdk.AdaptiveCard.onProcessMarkdown = (text, result) => {
    result.outputHtml = text.replace(/&/g, "&amp;").replace(/</g, "&lt;");
    result.didProcess = true;
  };
  return sdk;
}

export const TEAMS_HOST_CONFIGS = {
  light: JSON.parse(readFileSync(new URL("../../scripts/preview/hostconfigs/teams-light.json", import.meta.url), "utf8")) as object,
  dark: JSON.parse(readFileSync(new URL("../../scripts/preview/hostconfigs/teams-dark.json", import.meta.url), "utf8")) as object,
};

/**
 * Parses a card as Teams' renderer would (Teams' host config), validates it and renders it to DOM:
 * every parse and validation event, as text. An empty list means the SDK took the card as it is.
 */
export function cardProblems(card: object, hostConfig: object = TEAMS_HOST_CONFIGS.light): string[] {
  const AC = adaptiveCardsSdk();
  const adaptive = new AC.AdaptiveCard();
  adaptive.hostConfig = new AC.HostConfig(hostConfig);
  const context = new AC.SerializationContext();
  adaptive.parse(card, context);
  const problems: string[] = [];
  for (let i = 0; i < context.eventCount; i++) {
    const e = context.getEventAt(i);
    problems.push(`parse: ${AC.ValidationEvent[e.event]}: ${e.message}`);
  }
  for (const e of adaptive.validateProperties().validationEvents) {
    problems.push(`validate: ${AC.ValidationEvent[e.event]}: ${e.message}`);
  }
  if (!adaptive.render()) problems.push("render: nothing rendered");
  return problems;
}
