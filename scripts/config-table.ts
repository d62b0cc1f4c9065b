// Regenerates the README's config table from the schema: `npm run docs:config`.
import { readFileSync, writeFileSync } from "node:fs";
import { configTable } from "../src/config.ts";

const README = new URL("../README.md", import.meta.url);
const START = "<!-- config-table:start -->";
const END = "<!-- config-table:end -->";
const text = readFileSync(README, "utf8");
const from = text.indexOf(START);
const to = text.indexOf(END);
if (from === -1 || to === -1) throw new Error(`README.md lacks ${START} … ${END}`);
writeFileSync(README, `${text.slice(0, from + START.length)}\n${configTable()}\n${text.slice(to)}`);
