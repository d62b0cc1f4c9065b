import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dreamFor, reviewApp, writeTree } from "../../test/fixtures.ts";

const lines = ["VP Platform", "Head of Data", "CTO", "Director AI"]
  .map((q, i) => `- ${q} in Oman: ${i} jobs`)
  .join("\n");
let work: string;
let id: string;
let app: Hono;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "dreamd-review-api-"));
  await writeTree(join(work, "memory"), {
    "log.md": `# Log\n\n## Run 2026-03-17 06:01\n${lines}\n${lines}\n`,
  });
  const proposals = join(work, "proposals");
  const r = await dreamFor(proposals, join(work, "memory"));
  id = r.manifest.dreamId;
  app = reviewApp(proposals, join(work, "memory"));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const post = (path: string, body: unknown) =>
  app.request(path, {
    method: "POST",
    body: JSON.stringify(body),
    headers: { "content-type": "application/json" },
  });

describe("review and apply over the API (issue 14)", () => {
  it("records decisions by id, answers the state, applies the accepted ones and logs the apply", async () => {
    expect(
      (await post(`/dreams/${id}/review`, { accept: ["op-001", "op-002"], reject: ["op-003"], by: "dana" }))
        .status,
    ).toBe(200);
    const state = (await (await app.request(`/dreams/${id}/review`)).json()) as {
      operations: { id: string; state: string; by?: string }[];
    };
    expect(state.operations.map((o) => `${o.id}:${o.state}:${o.by ?? ""}`)).toEqual([
      "op-001:accepted:dana",
      "op-002:accepted:dana",
      "op-003:rejected:dana",
      "op-004:pending:",
    ]);
    const res = await post(`/dreams/${id}/apply`, {});
    expect(res.status).toBe(200);
    const rec = (await res.json()) as {
      applyId: string;
      results: { op: string; status: string }[];
      snapshot: string;
    };
    expect(rec.results.filter((r) => r.status === "applied").map((r) => r.op)).toEqual(["op-001", "op-002"]);
    expect(rec.snapshot).toMatch(/apply-.*\.tar\.gz$/);
    expect(
      (await readFile(join(work, "memory", "log.md"), "utf8")).split("\n").filter((l) => l.startsWith("- ")),
    ).toHaveLength(6);
    const log = (await (await app.request("/applies")).json()) as { applies: { by: string }[] };
    expect(log.applies.map((a) => a.by)).toEqual(["api"]);
    // The proposal carries its applies too, each operation's result with it.
    const inProposal = (await readFile(join(work, "proposals", id, "applies.jsonl"), "utf8"))
      .trim()
      .split("\n");
    expect(inProposal.map((l) => JSON.parse(l).applyId)).toEqual([rec.applyId]);
    const seen = (await (await app.request(`/dreams/${id}/review`)).json()) as {
      applies: { applyId: string; results: { op: string; status: string }[] }[];
    };
    expect(seen.applies.map((a) => a.applyId)).toEqual([rec.applyId]);
    // Revert the dream's newest apply: the two lines come back where they were.
    const rev = await post(`/dreams/${id}/revert`, { by: "dana" });
    expect(rev.status).toBe(200);
    expect(((await rev.json()) as { results: { status: string }[] }).results.map((r) => r.status)).toEqual([
      "applied",
      "applied",
    ]);
    expect(await readFile(join(work, "memory", "log.md"), "utf8")).toBe(
      `# Log\n\n## Run 2026-03-17 06:01\n${lines}\n${lines}\n`,
    );
    expect((await post(`/dreams/${id}/revert`, { apply: "../../x" })).status).toBe(400);
    const after = (await (await app.request(`/dreams/${id}/review`)).json()) as {
      applies: { reverts?: string }[];
    };
    expect(after.applies.map((a) => a.reverts ?? "apply")).toEqual(["apply", rec.applyId]);
    expect(
      (await readFile(join(work, "proposals", id, "applies.jsonl"), "utf8")).trim().split("\n"),
    ).toHaveLength(2);
    // Roll back to the apply's snapshot: the memory already matches it, so the preview is empty.
    const snap = rec.snapshot.split("/").at(-1) ?? "";
    const rb = await post("/rollback", { snapshot: snap, dryRun: true });
    expect(rb.status).toBe(200);
    expect(((await rb.json()) as { preview: unknown }).preview).toEqual({
      added: [],
      removed: [],
      changed: [],
      agentWrites: [],
    });
    expect((await post("/rollback", { snapshot: "../../etc/passwd.tar.gz" })).status).toBe(404);
  });

  it("refuses bad bodies and unknown ids with a reason, and answers 404 for an unknown dream", async () => {
    expect((await post(`/dreams/${id}/review`, { accept: ["op-999"] })).status).toBe(400);
    expect(await (await post(`/dreams/${id}/review`, { accept: ["op-999"] })).json()).toEqual({
      error: `no such operation in dream ${id}: op-999`,
    });
    expect((await post(`/dreams/${id}/review`, { accept: ["../../etc"] })).status).toBe(400);
    expect((await post(`/dreams/${id}/review`, {})).status).toBe(400);
    expect((await post(`/dreams/${id}/review`, { accept: "all", by: "<script>" })).status).toBe(400);
    expect((await post("/dreams/20990101T000000Z-abcdef/apply", {})).status).toBe(404);
    expect((await app.request("/dreams/../review")).status).toBe(404);
  });
});
