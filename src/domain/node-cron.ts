import { createRequire } from "node:module";
import type { NodeCron } from "node-cron";

// node-cron (with child_process and net, some 20 ms) loads where a schedule is parsed or started,
// not with every command: `kam chat -c help` never needs it. One copy, whoever asks first.
const require = createRequire(import.meta.url);

export const nodeCron = (): NodeCron => (require("node-cron") as { nodeCron: NodeCron }).nodeCron;
