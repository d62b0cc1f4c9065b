import type { Manifest } from "./manifest.ts";

/** The few lines `dreamd dream` prints: what happened and where to look. */
export function summarize(m: Manifest, dir: string): string {
  const kinds = ["merge", "supersede", "prune", "normalize", "create"] as const;
  const byKind = kinds
    .map((k) => [k, m.operations.filter((o) => o.kind === k).length] as const)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${n} ${k}`)
    .join(", ");
  return [
    `dream ${m.dreamId} (${m.engine.name} engine)`,
    `  read      ${m.stats.files} memory files, ${m.stats.entries} entries, ${m.stats.sessions} sessions` +
      (m.stats.deferredSessions ? ` (+${m.stats.deferredSessions} deferred)` : ""),
    `  proposed  ${m.operations.length} operations${byKind ? ` (${byKind})` : ""}, ${m.output.changed.length} files changed`,
    `  refused   ${m.refused.length} operations`,
    `  problems  ${m.problems.length} inputs reported and skipped`,
    `  snapshot  ${m.base.snapshot.path}`,
    `  review    ${dir}/report.md, ${dir}/diff.patch`,
    dir,
  ].join("\n");
}
