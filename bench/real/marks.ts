// The audit's recall: of the changes a reviewer marked before seeing any proposal, how many the dream
// proposed (an operation changes or cites the marked line, deferred ones included) or listed (a review
// item or a possible duplicate cites it). Marks are lines `MARK <store> <path>:<line>[-<line>] <kind> …`.
// Usage: node bench/real/marks.ts --kept DIR --marks FILE…
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: { kept: { type: "string" }, marks: { type: "string", multiple: true } },
});

interface Cited {
  source: string;
  path?: string;
  line?: number;
}
interface Manifest {
  operations: { changes: { path: string; startLine: number; endLine: number }[]; evidence: Cited[] }[];
  deferred?: { reason: string; targets: string[] }[];
  review?: { evidence: Cited[] }[];
  candidates?: { evidence: Cited[] }[];
}

const manifests = new Map<string, Manifest>();
async function manifestOf(store: string): Promise<Manifest | null> {
  if (!manifests.has(store)) {
    try {
      manifests.set(
        store,
        JSON.parse(await readFile(join(values.kept ?? "", store, "manifest.json"), "utf8")),
      );
    } catch {
      return null;
    }
  }
  return manifests.get(store) ?? null;
}

const MARK = /^MARK\s+(\S+)\s+(.+?):(\d+)(?:-(\d+))?\s+(\S+)/;
const byKind = new Map<string, { marked: number; found: number }>();
const missed: string[] = [];
for (const file of values.marks ?? []) {
  for (const line of (await readFile(file, "utf8")).split("\n")) {
    const m = MARK.exec(line.trim());
    if (!m) continue;
    const [, store = "", path = "", a = "0", b, kind = "other"] = m;
    const from = Number(a);
    const to = Number(b ?? a);
    const hit = (p?: string, l?: number) => p === path && l !== undefined && l >= from && l <= to;
    const cites = (evidence: Cited[]) => evidence.some((e) => e.source === "memory" && hit(e.path, e.line));
    const man = await manifestOf(store);
    const found =
      man !== null &&
      (man.operations.some(
        (op) =>
          cites(op.evidence) ||
          op.changes.some((c) => c.path === path && c.startLine <= to && c.endLine >= from),
      ) ||
        (man.deferred ?? []).some((d) =>
          [...d.reason.matchAll(/([^\s,(]+):(\d+)/g)].some((x) => hit(x[1], Number(x[2]))),
        ) ||
        (man.review ?? []).some((r) => cites(r.evidence)) ||
        (man.candidates ?? []).some((c) => cites(c.evidence)));
    const k = byKind.get(kind) ?? { marked: 0, found: 0 };
    k.marked++;
    if (found) k.found++;
    else missed.push(line.trim());
    byKind.set(kind, k);
  }
}
let marked = 0;
let found = 0;
for (const [kind, k] of byKind) {
  marked += k.marked;
  found += k.found;
  process.stdout.write(`${kind}: ${k.found} of ${k.marked} found\n`);
}
process.stdout.write(
  `all: ${found} of ${marked} found (${marked ? ((100 * found) / marked).toFixed(0) : 0}%)\n`,
);
for (const m of missed) process.stdout.write(`missed: ${m}\n`);
