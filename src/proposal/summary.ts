import { type Manifest, operationKinds } from "../manifest.ts";
import { plural } from "../text/plural.ts";

/** The few lines `dreamd dream` prints: what happened and where to look. */
export function summarize(m: Manifest, dir: string): string {
  const byKind = operationKinds
    .map((k) => [k, m.operations.filter((o) => o.kind === k).length] as const)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${n} ${k}`)
    .join(", ");
  return [
    `dream ${m.dreamId} (${m.engine.name} engine)`,
    `  read      ${plural(m.stats.files, "memory file")}, ${plural(m.stats.entries, "entry", "entries")}, ${plural(m.stats.sessions, "session")}` +
      (m.stats.deferredSessions ? ` (+${m.stats.deferredSessions} deferred)` : ""),
    `  proposed  ${plural(m.operations.length, "operation")}${byKind ? ` (${byKind})` : ""}, ${plural(m.output.changed.length, "file")} changed`,
    `  refused   ${plural(m.refused.length, "operation")}`,
    ...(m.deferred?.length
      ? [`  deferred  ${plural(m.deferred.length, "operation")}, for the next dream`]
      : []),
    ...(m.review?.length
      ? [`  listed    ${plural(m.review.length, "finding")} for review, not applied`]
      : []),
    `  problems  ${plural(m.problems.length, "input")} reported and skipped`,
    `  snapshot  ${m.base.snapshot.path}`,
    `  review    ${dir}/report.md, ${dir}/diff.patch`,
    dir,
  ].join("\n");
}
