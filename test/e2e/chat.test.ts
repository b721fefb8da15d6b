import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runKam } from "../support/processes.ts";

const dir = mkdtempSync(join(tmpdir(), "kam-chat-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function kam(command: string) {
  return runKam(["chat", "-c", command], { DATA_DIR: dir, KAM_CHAT_USER: "local" });
}

describe("kam chat -c, on the embedded database", () => {
  it("logs an order, reorders it, adds an invoice and lists flags; refused commands exit non-zero", async () => {
    const steps: [string, number, RegExp][] = [
      [`account add "ACME Holding GmbH"`, 0, /Account ACME Holding GmbH added/],
      [`product add BOLT-10 "Bolt M10" price 2,50`, 0, /Product BOLT-10/],
      ["order log acme 100 BOLT-10 due in 2 weeks po 4711", 0, /Order O-1 logged for ACME Holding GmbH: €250.00/],
      ["order reorder acme", 0, /Reorder O-2 logged for ACME Holding GmbH: €250.00/],
      ["invoice add acme RE-1 250,00 € order O-1", 0, /Invoice RE-1 of €250.00 recorded/],
      ["flags", 0, /flags|Flags/],
      ["order log acme 100 NOPE", 1, /found no product "NOPE"/],
      ["settings language de", 0, /Deine Sprache ist jetzt Deutsch\./],
      ["order list acme", 0, /Offene Aufträge von ACME Holding GmbH \(2\)/],
      ["inbox", 0, /Dein Posteingang ist leer/],
      ["teleport x", 1, /Den Befehl "teleport" kenne ich nicht/],
    ];
    for (const [command, code, expected] of steps) {
      const result = await kam(command);
      expect({ command, code: result.code, output: result.output }).toMatchObject({ command, code, output: expect.stringMatching(expected) });
    }
  }, 240_000);
});
