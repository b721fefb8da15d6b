// `node --import ./record.mjs …` appends the URL of every module the process resolves through
// the ES module loader to the file named by KAM_IMPORT_LOG (one a line).
import { register } from "node:module";

register("./record-hooks.mjs", import.meta.url, { data: { log: process.env.KAM_IMPORT_LOG } });
