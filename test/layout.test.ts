// The house stays a house: the pipeline lives in folders, so src/ itself keeps only the entry points and
// the few modules every folder shares (config, errors, logger, manifest, redact). The import graph is
// checked by dependency-cruiser in `npm test` (.dependency-cruiser.cjs); this counts what it cannot.
import { readdir } from "node:fs/promises";
import { describe, expect, it } from "vitest";

const SRC = new URL("../src/", import.meta.url);
const MAX_TOP_FILES = 15;

describe("layout of src/", () => {
  it(`holds at most ${MAX_TOP_FILES} files directly, the rest in folders`, async () => {
    const files = (await readdir(SRC, { withFileTypes: true })).filter((d) => d.isFile()).map((d) => d.name);
    expect(files.length, files.join(", ")).toBeLessThanOrEqual(MAX_TOP_FILES);
  });
});
