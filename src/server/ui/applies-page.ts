import { type Child, jsx as h } from "hono/jsx";
import type { ApplyRecord } from "../../apply/apply-log.ts";
import type { RollbackPreview } from "../../apply/rollback.ts";
import type { SnapshotEntry } from "../../snapshot/catalog.ts";
import { CsrfField, type Flash, PostButton, page } from "./layout.ts";

export interface AppliesData {
  csrf: string;
  flash: Flash | null;
  applies: ApplyRecord[];
  snapshots: SnapshotEntry[];
  refusal: string | null;
}

const kb = (n: number) => `${Math.ceil(n / 1024)} KiB`;

function ApplyItem(d: AppliesData, a: ApplyRecord): Child {
  const what = a.rollback
    ? `rollback to ${a.rollback}`
    : a.reverts
      ? `revert of ${a.reverts}`
      : `apply of dream ${a.dreamId}`;
  const revertible = !a.rollback && a.changed.length > 0;
  return h(
    "article",
    { class: "card", id: a.applyId, "aria-labelledby": `${a.applyId}-h` },
    h(
      "header",
      null,
      h("h3", { id: `${a.applyId}-h` }, `${a.applyId}: ${what}`),
      h("span", { class: "muted" }, `${a.at} by ${a.by}`),
      revertible
        ? PostButton({
            action: "/ui/revert",
            csrf: d.csrf,
            label: `Revert ${a.applyId}`,
            fields: { dream: a.dreamId, apply: a.applyId },
            disabled: d.refusal,
          })
        : null,
    ),
    h("p", null, a.changed.length ? `files changed: ${a.changed.join(", ")}` : "no file changed"),
    a.snapshot ? h("p", { class: "muted" }, `memory before it: snapshot ${a.snapshot}`) : null,
    a.results.length
      ? h(
          "ul",
          null,
          a.results.map((r) =>
            h(
              "li",
              null,
              `${r.op}: ${r.status}`,
              r.reason ? h("span", { class: "why" }, ` (${r.reason})`) : null,
              " ",
              revertible && r.status === "applied"
                ? PostButton({
                    action: "/ui/revert",
                    csrf: d.csrf,
                    label: `Revert ${r.op} of ${a.applyId}`,
                    fields: { dream: a.dreamId, apply: a.applyId, op: r.op },
                    disabled: d.refusal,
                  })
                : null,
            ),
          ),
        )
      : null,
  );
}

export function appliesPage(d: AppliesData): string {
  return page({
    title: "Applies and snapshots",
    flash: d.flash,
    csrf: d.csrf,
    body: [
      h("h1", null, "Applies and snapshots"),
      d.refusal ? h("p", { class: "why" }, `Review-only: ${d.refusal}`) : null,
      h(
        "section",
        { "aria-labelledby": "snap-h" },
        h("h2", { id: "snap-h" }, "Roll back to a snapshot"),
        d.snapshots.length
          ? h(
              "form",
              { method: "get", action: "/ui/rollback" },
              h("label", { for: "snapshot" }, "Snapshot"),
              h(
                "select",
                { id: "snapshot", name: "snapshot" },
                d.snapshots.map((s) =>
                  h(
                    "option",
                    { value: s.name },
                    `${s.name} (${s.kind}, ${s.at.toISOString()}, ${kb(s.bytes)})`,
                  ),
                ),
              ),
              " ",
              h("button", { type: "submit" }, "Preview rollback"),
            )
          : h("p", null, "No snapshot yet."),
      ),
      h(
        "section",
        { "aria-labelledby": "log-h" },
        h("h2", { id: "log-h" }, `Apply log (${d.applies.length})`),
        d.applies.length
          ? [...d.applies].reverse().map((a) => ApplyItem(d, a))
          : h("p", null, "Nothing applied yet."),
      ),
    ],
  });
}

export function rollbackPage(d: {
  csrf: string;
  flash: Flash | null;
  snapshot: string;
  preview: RollbackPreview;
  refusal: string | null;
}): string {
  const p = d.preview;
  const list = (title: string, xs: string[]) => [
    h("h3", null, `${title} (${xs.length})`),
    xs.length
      ? h(
          "ul",
          null,
          xs.map((x) => h("li", null, x)),
        )
      : null,
  ];
  const nothing = !p.added.length && !p.removed.length && !p.changed.length;
  return page({
    title: "Rollback preview",
    flash: d.flash,
    csrf: d.csrf,
    body: [
      h("h1", null, `Roll back to ${d.snapshot}`),
      h("p", null, "Dry run: nothing has changed yet. The memory would become the snapshot:"),
      list("files restored to the snapshot", p.changed),
      list("files added back", p.removed),
      list("files removed (added since)", p.added),
      p.agentWrites.length
        ? [
            h(
              "p",
              { class: "why", role: "alert" },
              "These are the agent's own writes since the snapshot (no apply made them); rolling back discards them:",
            ),
            h(
              "ul",
              null,
              p.agentWrites.map((x) => h("li", null, x)),
            ),
          ]
        : null,
      nothing
        ? h("p", null, "The memory already equals this snapshot.")
        : h(
            "form",
            { method: "post", action: "/ui/rollback" },
            CsrfField(d.csrf),
            h("input", { type: "hidden", name: "snapshot", value: d.snapshot }),
            p.agentWrites.length
              ? h(
                  "p",
                  null,
                  h("input", { type: "checkbox", id: "force", name: "force", value: "1" }),
                  h("label", { for: "force" }, "Discard the agent's writes listed above"),
                )
              : null,
            h(
              "button",
              {
                type: "submit",
                class: "danger",
                disabled: Boolean(d.refusal),
                title: d.refusal ?? undefined,
              },
              "Roll back now",
            ),
          ),
      h("p", null, h("a", { href: "/ui/applies" }, "Back to applies and snapshots")),
    ],
  });
}
