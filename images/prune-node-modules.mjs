// Run in the image's build stage: removes from production node_modules what never runs — type
// declarations, TypeScript sources, source maps, docs — keeping every licence and notice file.
import { readdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";

const root = process.argv[2] ?? "node_modules";
const DROP = /\.(d\.[cm]?ts|[cm]?ts|map|md|markdown)$/i;
const KEEP = /^(licen[cs]e|notice|copying)/i;
let files = 0;
let bytes = 0;

async function visit(dir) {
  for (const d of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, d.name);
    if (d.isDirectory()) {
      if (d.name === "@types" && dir === root) {
        await rm(p, { recursive: true });
        continue;
      }
      await visit(p);
    } else if (d.isFile() && DROP.test(d.name) && !KEEP.test(d.name)) {
      bytes += (await stat(p)).size;
      files++;
      await rm(p);
    }
  }
}

await visit(root);
console.log(`pruned ${files} files, ${(bytes / 1048576).toFixed(1)} MB from ${root}`);
