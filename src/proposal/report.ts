import { type Manifest, type Operation, operationKinds } from "../manifest.ts";
import { plural } from "../text/plural.ts";

/** `ops` grouped by `key`, groups in first-seen order. */
function groupBy<T>(ops: readonly T[], key: (op: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const op of ops) {
    const k = key(op);
    const group = groups.get(k);
    if (group) group.push(op);
    else groups.set(k, [op]);
  }
  return groups;
}

/** Operations by the rule that proposed them (a model's answer: "engine"), largest group first. */
function byRule(ops: readonly Operation[]): [string, Operation[]][] {
  return [...groupBy(ops, (op) => op.rule ?? "engine")].sort(
    ([a, x], [b, y]) => y.length - x.length || (a < b ? -1 : 1),
  );
}

/** "12 (9 certain)": how many, and how many code proved outright. */
function countOf(ops: readonly Operation[]): string {
  const certain = ops.filter((o) => o.confidence === "certain").length;
  return certain ? `${ops.length} (${certain} certain)` : String(ops.length);
}

/** What DREAMD_AUTONOMY lets apply after this dream without a person's approval. */
function autonomyLine(m: Manifest): string {
  const mode = m.autonomy ?? "review";
  if (mode === "review") return "Autonomy `review`: nothing reaches memory without an approval.";
  const levels = mode === "auto" ? ["certain", "likely"] : ["certain"];
  const n = m.operations.filter((o) => levels.includes(o.confidence ?? "")).length;
  return `Autonomy \`${mode}\`: the ${plural(n, `${levels.join(" and ")} operation`)} apply by themselves after this dream (see \`applies.jsonl\`); the rest wait for review.`;
}

/** report.md: what a reviewer reads first. Every operation with its reason and evidence. */
export function renderReport(m: Manifest): string {
  const count = (kind: string) => m.operations.filter((o) => o.kind === kind).length;
  const rules = byRule(m.operations);
  const out: string[] = [
    `# Dream ${m.dreamId}`,
    "",
    `Engine ${m.engine.name} ${m.engine.version}, ${m.createdAt}. Snapshot: \`${m.base.snapshot.path}\`.`,
    "",
    `- ${plural(m.stats.files, "memory file")}, ${plural(m.stats.entries, "entry", "entries")}, ${plural(m.stats.sessions, "session")} read` +
      (m.stats.deferredSessions ? ` (${m.stats.deferredSessions} more left for the next dream)` : ""),
    `- ${plural(m.operations.length, "operation")}: ${operationKinds
      .filter((k) => k !== "merge-block" || count(k))
      .map((k) => `${count(k)} ${k}`)
      .join(", ")}`,
    ...(m.operations.length
      ? [`- by rule: ${rules.map(([rule, ops]) => `${rule} ${countOf(ops)}`).join(", ")}`]
      : []),
    `- ${plural(m.output.changed.length, "file")} changed, ${plural(m.refused.length, "operation")} refused, ${plural(m.problems.length, "input")} with problems`,
    ...(m.deferred?.length
      ? [
          `- ${plural(m.deferred.length, "more operation")} deferred to the next dream (over the limit of operations per dream; the most valuable are proposed first)`,
        ]
      : []),
    "",
    "Nothing has been applied: the proposed store is `store/`, the change is `diff.patch`.",
    autonomyLine(m),
  ];
  if (m.output.skipped?.length) {
    out.push(
      "",
      `**${m.output.skipped.length} memory entries are not in \`store/\` and are not deletions** (see below): keep them.`,
    );
  }
  if (m.operations.length) {
    // By rule, then by the file it changes first: a reviewer judges one kind of decision at a time.
    out.push("", "## Operations", "");
    for (const [rule, ops] of rules) {
      out.push(`### ${rule}: ${countOf(ops)}`, "");
      const byFile = groupBy(ops, (op) => op.changes[0]?.path ?? op.targets[0] ?? "");
      for (const [file, fileOps] of [...byFile].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
        out.push(`#### ${file}`, "");
        for (const op of fileOps) {
          out.push(`- **${op.id}** ${op.kind}${op.confidence ? ` (${op.confidence})` : ""}: ${op.reason}`);
          for (const ev of op.evidence) {
            out.push(
              ev.source === "memory"
                ? `  - ${ev.path}:${ev.line} — "${ev.quote}"`
                : `  - session ${ev.session} #${ev.index} — "${ev.quote}"`,
            );
          }
        }
        out.push("");
      }
    }
  }
  if (m.candidates?.length) {
    out.push("## Possible duplicates (not merged)", "");
    out.push(
      "Same subject, other words: no rule can tell one fact from two. Merge by hand if they are one.",
      "",
    );
    for (const c of m.candidates) {
      out.push(`- ${c.reason}`);
      for (const ev of c.evidence)
        if (ev.source === "memory") out.push(`  - ${ev.path}:${ev.line} — "${ev.quote}"`);
    }
    out.push("");
  }
  if (m.review?.length) {
    out.push("## For review (found, not decided, not applied)", "");
    for (const r of m.review) {
      out.push(`- ${r.kind}: ${r.reason}`);
      for (const ev of r.evidence)
        if (ev.source === "memory") out.push(`  - ${ev.path}:${ev.line} — "${ev.quote}"`);
    }
    out.push("");
  }
  if (m.deferred?.length) {
    out.push("## Deferred (accepted by code, left for the next dream)", "");
    for (const [rule, ds] of groupBy(m.deferred, (d) => d.rule ?? "engine")) {
      out.push(`- ${rule}: ${ds.length}`);
    }
    out.push("");
  }
  if (m.refused.length) {
    out.push("## Refused", "");
    for (const r of m.refused) out.push(`- ${r.rule}: ${r.detail}`);
    out.push("");
  }
  if (m.output.skipped?.length) {
    out.push("## Left out of store/ (not deletions)", "");
    out.push(
      "These are in the memory dir but dreamd did not read or copy them. They are not deleted by this",
      "proposal: `diff.patch` leaves them alone, and whoever replaces the memory with `store/` must keep them.",
      "",
    );
    for (const s of m.output.skipped) out.push(`- ${s.path}: ${s.reason}`);
    out.push("");
  }
  if (m.problems.length) {
    out.push("## Inputs with problems", "");
    for (const p of m.problems) out.push(`- ${p.source} ${p.path}: ${p.error}`);
    out.push("");
  }
  if (m.notes.length) {
    out.push("## Notes", "");
    for (const n of m.notes) out.push(`- ${n}`);
    out.push("");
  }
  return `${out.join("\n").trimEnd()}\n`;
}
