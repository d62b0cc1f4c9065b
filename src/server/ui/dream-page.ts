import { type Child, jsx as h } from "hono/jsx";
import type { ApplyRecord } from "../../apply/apply-log.ts";
import type { OpState } from "../../apply/review-log.ts";
import type { Manifest, Operation } from "../../manifest.ts";
import { plural } from "../../text/plural.ts";
import { Findings } from "./findings.ts";
import { type Flash, PostButton, page } from "./layout.ts";
import { DecideForm, OperationCard } from "./operation-card.ts";

export interface DreamData {
  csrf: string;
  flash: Flash | null;
  manifest: Manifest;
  states: Map<string, OpState>;
  /** Why apply is refused (review-only mode), or null. */
  refusal: string | null;
  running: boolean;
  applies: ApplyRecord[];
  headings: (path: string, line: number) => string[] | null;
}

const ruleOf = (o: Operation) => o.rule ?? "model";
const fileOf = (o: Operation) => o.changes[0]?.path ?? o.targets[0] ?? "";

/** Operations by rule, then by file, in manifest order. */
export function groupOps(ops: readonly Operation[]): Map<string, Map<string, Operation[]>> {
  const out = new Map<string, Map<string, Operation[]>>();
  for (const o of ops) {
    const byFile = out.get(ruleOf(o)) ?? new Map<string, Operation[]>();
    out.set(ruleOf(o), byFile);
    const list = byFile.get(fileOf(o)) ?? [];
    byFile.set(fileOf(o), list);
    list.push(o);
  }
  return out;
}

function countBy<T>(xs: readonly T[], key: (x: T) => string): [string, number][] {
  const m = new Map<string, number>();
  for (const x of xs) m.set(key(x), (m.get(key(x)) ?? 0) + 1);
  return [...m];
}

const slug = (s: string) => s.replace(/[^\w-]+/g, "-").slice(0, 80);

function Summary(d: DreamData): Child {
  const m = d.manifest;
  const states = [...d.states.values()];
  const n = (s: string) => states.filter((x) => x.state === s).length;
  const table = (title: string, rows: [string, number][]) =>
    h(
      "table",
      null,
      h("caption", null, title),
      h(
        "tbody",
        null,
        rows.map(([k, v]) => h("tr", null, h("th", { scope: "row" }, k), h("td", null, String(v)))),
      ),
    );
  return h(
    "section",
    { "aria-labelledby": "sum-h" },
    h("h2", { id: "sum-h" }, "Summary"),
    h(
      "p",
      null,
      `${m.engine.name} engine, created ${m.createdAt}; read ${plural(m.stats.files, "file")}, ${plural(m.stats.entries, "entry", "entries")}, ${plural(m.stats.sessions, "session")}. `,
      h(
        "strong",
        null,
        `${plural(m.operations.length, "operation")}: ${n("accepted")} accepted, ${n("rejected")} rejected, ${n("pending")} pending.`,
      ),
      m.usage
        ? ` Tokens ${m.usage.inputTokens + m.usage.outputTokens}, about $${m.usage.costUsd.toFixed(4)}.`
        : null,
    ),
    m.operations.length
      ? h(
          "div",
          { class: "actions" },
          table("by rule", countBy(m.operations, ruleOf)),
          table(
            "by kind",
            countBy(m.operations, (o) => o.kind),
          ),
        )
      : null,
  );
}

function Actions(d: DreamData): Child {
  const id = d.manifest.dreamId;
  const pending = d.manifest.operations.filter((o) => d.states.get(o.id)?.state === "pending");
  const certain = pending.filter((o) => o.confidence === "certain");
  const accepted = [...d.states.values()].filter((s) => s.state === "accepted").length;
  const bulk = (label: string, decision: string, fields: Record<string, string>, count: number) =>
    PostButton({
      action: `/ui/dreams/${id}/review`,
      csrf: d.csrf,
      label: `${label} (${count})`,
      fields: { decision, ...fields },
      disabled: count === 0 ? "nothing to decide" : null,
    });
  return h(
    "section",
    { "aria-labelledby": "act-h" },
    h("h2", { id: "act-h" }, "Decide and apply"),
    h(
      "div",
      { class: "actions" },
      bulk("Accept all certain", "accept", { select: "certain" }, certain.length),
      bulk("Accept all pending", "accept", { select: "pending" }, pending.length),
      bulk("Reject all pending", "reject", { select: "pending" }, pending.length),
    ),
    h(
      "div",
      { class: "actions" },
      PostButton({
        action: `/ui/dreams/${id}/apply`,
        csrf: d.csrf,
        label: `Apply ${accepted} accepted`,
        kind: "primary",
        disabled: d.refusal ?? (accepted === 0 ? "accept an operation first" : null),
      }),
      PostButton({
        action: `/ui/dreams/${id}/discard`,
        csrf: d.csrf,
        label: "Discard this dream",
        kind: "danger",
        disabled: d.running ? "the dream is running" : null,
      }),
      h("a", { href: `/dreams/${id}/diff` }, "diff.patch"),
    ),
    d.refusal ? h("p", { class: "why" }, `Review-only: ${d.refusal}`) : null,
    d.applies.length
      ? h(
          "ul",
          null,
          d.applies.map((a) =>
            h(
              "li",
              null,
              h(
                "a",
                { href: `/ui/applies#${a.applyId}` },
                a.reverts ? `revert ${a.applyId}` : `apply ${a.applyId}`,
              ),
              ` at ${a.at} by ${a.by}: `,
              a.results.map((r) => `${r.op} ${r.status}${r.reason ? ` (${r.reason})` : ""}`).join("; "),
            ),
          ),
        )
      : null,
  );
}

function Operations(d: DreamData): Child {
  const id = d.manifest.dreamId;
  return h(
    "section",
    { "aria-labelledby": "ops-h" },
    h("h2", { id: "ops-h" }, "Operations"),
    [...groupOps(d.manifest.operations)].map(([rule, byFile]) =>
      h(
        "section",
        { "aria-label": `rule ${rule}` },
        h("h3", null, `Rule ${rule}`),
        [...byFile].map(([file, ops]) => {
          const anchor = `g-${slug(rule)}-${slug(file)}`;
          return h(
            "div",
            { id: anchor },
            h(
              "div",
              { class: "actions" },
              h("strong", null, file),
              h("span", { class: "muted" }, plural(ops.length, "operation")),
              DecideForm({
                dreamId: id,
                csrf: d.csrf,
                ops: ops.map((o) => o.id),
                label: `all of ${rule} in ${file}`,
                back: anchor,
              }),
            ),
            ops.map((op) =>
              OperationCard({
                dreamId: id,
                csrf: d.csrf,
                op,
                state: d.states.get(op.id) ?? { state: "pending" },
                headings: d.headings,
              }),
            ),
          );
        }),
      ),
    ),
  );
}

export function dreamPage(d: DreamData): string {
  return page({
    title: `Dream ${d.manifest.dreamId}`,
    flash: d.flash,
    csrf: d.csrf,
    body: [
      h("h1", null, `Dream ${d.manifest.dreamId}`),
      Summary(d),
      Actions(d),
      Operations(d),
      Findings(d.manifest),
    ],
  });
}
