import { appendFile, copyFile, mkdir, mkdtemp, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { dreamOptions, EXAMPLES, writeTree } from "../../test/fixtures.ts";
import { runDream } from "../dream/run.ts";
import { createOfflineEngine } from "../engine/offline/engine.ts";
import { DREAM_ID } from "../proposal/dream-id.ts";
import { createProposals } from "../proposal/proposals.ts";
import { listSnapshots } from "../snapshot/catalog.ts";
import { stateDirOf } from "../state/state.ts";
import { createFormatRegistry } from "../transcripts/registry.ts";
import { appendApplyLog } from "./apply-log.ts";
import { applyCommand } from "./commands.ts";
import { createKeptMeter, retain } from "./retention.ts";

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});
const scratch = async () => {
  const d = await mkdtemp(join(tmpdir(), "dreamd-retention-"));
  dirs.push(d);
  return d;
};
const deps = { engine: createOfflineEngine(), registry: createFormatRegistry() };
const hour = (i: number) => new Date(Date.parse("2026-03-01T00:00:00Z") + i * 3_600_000);
// A note with lines written twice: a dream proposes merges of them.
const RUN =
  "# Log\n\n## Run 2026-03-17 06:01\n- alpha checked twice today\n- beta checked\n- gamma checked\n- alpha checked twice today\n- beta checked\n- gamma checked\n";
const proposalIds = async (dir: string) => (await readdir(dir)).filter((n) => DREAM_ID.test(n)).sort();

describe("retention (DREAMD_KEEP_DREAMS, DREAMD_KEEP_DAYS)", () => {
  it("50 dreams over a slowly changing store keep 5 proposals and 5 rollback points, the pending one and the newest rollback point; an unchanged store adds no snapshot", async () => {
    const work = await scratch();
    const memory = join(work, "memory");
    const sessions = join(work, "sessions");
    const proposals = join(work, "proposals");
    const snapshots = join(proposals, "snapshots");
    await mkdir(sessions, { recursive: true });
    await writeTree(memory, { "log.md": "# Log\n\n- first\n" });
    let pending = "";
    const applies: string[] = [];
    // Whether memory differs from the newest snapshot: true before the first dream.
    let changed = true;
    let reused = 0;
    for (let i = 0; i < 50; i++) {
      // Slowly changing: a new line every third dream; every fifth a duplicate, merged and applied.
      if (i % 3 === 0 && i > 0) {
        await appendFile(join(memory, "log.md"), `- note ${i}\n`);
        changed = true;
      }
      if (i % 5 === 2) {
        await writeFile(join(memory, `run-${i}.md`), RUN);
        changed = true;
      }
      // Dream 8 reads a transcript that then leaves the sessions dir: no later dream reads it again, so
      // that proposal stays pending for ever.
      if (i === 8)
        await copyFile(join(EXAMPLES, "sessions", "2026-03-02-a1f3.jsonl"), join(sessions, "s.jsonl"));
      if (i === 9) await rm(join(sessions, "s.jsonl"));
      const r = await runDream(
        dreamOptions(proposals, {
          memoryDir: memory,
          sessionsDir: sessions,
          now: hour(i),
          deletionBudget: 1,
        }),
        deps,
      );
      if (i === 8) pending = r.manifest.dreamId;
      // A new archive exactly when memory changed since the newest snapshot; otherwise that one is reused.
      const own = basename(r.manifest.base.snapshot.path) === `${r.manifest.dreamId}.tar.gz`;
      expect(own).toBe(changed);
      if (!own) reused++;
      changed = false;
      if (i % 5 === 2 && r.manifest.operations.length) {
        const a = await applyCommand({
          proposalsDir: proposals,
          snapshotsDir: snapshots,
          memoryDir: memory,
          dreamId: r.manifest.dreamId,
          accept: "all",
          by: "test",
          now: hour(i + 0.5),
        });
        expect(a.record.results.some((x) => x.status === "applied")).toBe(true);
        applies.push(basename(a.snapshot));
        changed = true;
      }
      const kept = await retain({
        proposalsDir: proposals,
        snapshotsDir: snapshots,
        policy: { keepDreams: 5, keepDays: 0 },
        now: hour(i + 0.9),
      });
      expect(kept.proposals.kept).toBeLessThanOrEqual(6);
    }
    expect(reused).toBeGreaterThanOrEqual(20);
    const ids = await proposalIds(proposals);
    expect(ids).toContain(pending);
    expect(ids).toHaveLength(6);
    const list = await createProposals(proposals).list();
    expect(list.find((p) => p.id === pending)?.status).toBe("pending");
    const snaps = await listSnapshots(snapshots);
    const points = snaps.filter((s) => s.kind === "apply").map((s) => s.name);
    expect(applies).toHaveLength(10);
    expect(points.sort()).toEqual(applies.slice(-5).sort());
    // Every kept proposal's snapshot is still there; no other dream snapshot is.
    const m = createProposals(proposals);
    const wanted = new Set<string>();
    for (const id of ids) {
      const man = await m.manifest(id);
      if (man) wanted.add(basename(man.base.snapshot.path));
    }
    const dreamSnaps = snaps.filter((s) => s.kind === "dream").map((s) => s.name);
    expect(new Set(dreamSnaps)).toEqual(new Set([...wanted].filter((w) => !w.startsWith("apply-"))));
    for (const w of wanted) expect((await stat(join(snapshots, w))).isFile()).toBe(true);
    // /metrics: what is kept, in bytes.
    const bytes = await createKeptMeter(proposals, snapshots)();
    expect(bytes.snapshots).toBe(snaps.reduce((n, s) => n + s.bytes, 0));
    expect(bytes.proposals).toBeGreaterThan(0);
  }, 120_000);

  it("keeps the newest apply's rollback point past the count and the age; removes old ones; never touches a name it does not write", async () => {
    const work = await scratch();
    const proposals = join(work, "proposals");
    const snapshots = join(proposals, "snapshots");
    await mkdir(snapshots, { recursive: true });
    const archive = async (name: string) => {
      await writeFile(join(snapshots, name), "x");
      await writeFile(join(snapshots, `${name}.json`), "{}");
    };
    // The newest apply's point is older than two rollback snapshots taken after it.
    await archive("apply-20260101T000000Z-aaaaaa.tar.gz");
    await archive("apply-20260102T000000Z-bbbbbb.tar.gz");
    await archive("rollback-20260103T000000Z-cccccc.tar.gz");
    await archive("rollback-20260104T000000Z-dddddd.tar.gz");
    await writeFile(join(snapshots, "owner-backup.tar.gz"), "mine");
    await appendApplyLog(stateDirOf(proposals), {
      applyId: "20260102T000000Z-bbbbbb",
      dreamId: "20260101T230000Z-eeeeee",
      at: "2026-01-02T00:00:00.000Z",
      by: "test",
      results: [],
      changed: ["a.md"],
    });
    const r = await retain({
      proposalsDir: proposals,
      snapshotsDir: snapshots,
      policy: { keepDreams: 1, keepDays: 30 },
      now: new Date("2026-06-01T00:00:00Z"),
    });
    expect(r.snapshots.removed.sort()).toEqual([
      "apply-20260101T000000Z-aaaaaa.tar.gz",
      "rollback-20260103T000000Z-cccccc.tar.gz",
    ]);
    expect((await readdir(snapshots)).sort()).toEqual([
      "apply-20260102T000000Z-bbbbbb.tar.gz",
      "apply-20260102T000000Z-bbbbbb.tar.gz.json",
      "owner-backup.tar.gz",
      "rollback-20260104T000000Z-dddddd.tar.gz",
      "rollback-20260104T000000Z-dddddd.tar.gz.json",
    ]);
  });

  it("removes what is older than DREAMD_KEEP_DAYS, but never the newest proposal", async () => {
    const work = await scratch();
    const memory = join(work, "memory");
    const proposals = join(work, "proposals");
    const ids: string[] = [];
    for (const day of [0, 10, 20]) {
      await writeTree(memory, { "a.md": `# A\n\n- day ${day}\n` });
      const r = await runDream(
        dreamOptions(proposals, { memoryDir: memory, sessionsDir: "", now: hour(day * 24) }),
        deps,
      );
      ids.push(r.manifest.dreamId);
    }
    const at = (day: number) => ({
      proposalsDir: proposals,
      snapshotsDir: join(proposals, "snapshots"),
      policy: { keepDreams: 10, keepDays: 7 },
      now: hour(day * 24),
    });
    expect((await retain(at(15))).proposals.removed).toEqual([ids[0]]);
    expect((await retain(at(60))).proposals.removed).toEqual([ids[1]]);
    expect(await proposalIds(proposals)).toEqual([ids[2]]);
    expect((await listSnapshots(join(proposals, "snapshots"))).map((s) => s.id)).toEqual([ids[2]]);
  });

  it("an empty or missing volume is nothing to do", async () => {
    const work = await scratch();
    const r = await retain({
      proposalsDir: join(work, "none"),
      snapshotsDir: join(work, "none", "snapshots"),
      policy: { keepDreams: 1, keepDays: 1 },
      now: new Date(),
    });
    expect(r).toEqual({
      proposals: { kept: 0, removed: [], bytes: 0 },
      snapshots: { kept: 0, removed: [], bytes: 0 },
    });
  });
});
