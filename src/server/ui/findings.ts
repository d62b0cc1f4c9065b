import { type Child, jsx as h } from "hono/jsx";
import type { Manifest } from "../../manifest.ts";
import { EvidenceItem } from "./operation-card.ts";

const describeRefused = (op: unknown): string => {
  if (!op || typeof op !== "object") return "";
  const o = op as { kind?: unknown; targets?: unknown; reason?: unknown };
  return [
    typeof o.kind === "string" ? o.kind : "",
    Array.isArray(o.targets) ? o.targets.filter((t) => typeof t === "string").join(", ") : "",
    typeof o.reason === "string" ? `— ${o.reason}` : "",
  ]
    .filter(Boolean)
    .join(" ");
};

/** What the dream did not propose to apply: refused and deferred operations, findings for review, skipped inputs. */
export function Findings(m: Manifest): Child {
  const id = m.dreamId;
  return [
    h(
      "section",
      { "aria-labelledby": "ref-h" },
      h("h2", { id: "ref-h" }, `Refused (${m.refused.length})`),
      m.refused.length
        ? h(
            "ul",
            null,
            m.refused.map((r) =>
              h(
                "li",
                null,
                h("strong", null, r.rule),
                `: ${r.detail} `,
                h("span", { class: "muted" }, describeRefused(r.operation)),
              ),
            ),
          )
        : h("p", null, "None: every proposed operation passed the checks."),
      m.deferred?.length
        ? [
            h("h3", null, `Deferred to the next dream (${m.deferred.length})`),
            h(
              "ul",
              null,
              m.deferred.map((x) =>
                h("li", null, `${x.rule ?? x.kind}: ${x.reason} (${x.targets.join(", ")})`),
              ),
            ),
          ]
        : null,
    ),
    h(
      "section",
      { "aria-labelledby": "rev-h" },
      h(
        "h2",
        { id: "rev-h" },
        `For review, never applied (${(m.review?.length ?? 0) + (m.candidates?.length ?? 0)})`,
      ),
      m.review?.length
        ? h(
            "ul",
            null,
            m.review.map((r) =>
              h(
                "li",
                null,
                h("strong", null, r.kind),
                `: ${r.reason}`,
                h(
                  "ul",
                  null,
                  r.evidence.map((e) => EvidenceItem({ dreamId: id, e })),
                ),
              ),
            ),
          )
        : null,
      m.candidates?.length
        ? [
            h("h3", null, `Possible duplicates (${m.candidates.length})`),
            h(
              "ul",
              null,
              m.candidates.map((c) =>
                h(
                  "li",
                  null,
                  c.reason,
                  h(
                    "ul",
                    null,
                    c.evidence.map((e) => EvidenceItem({ dreamId: id, e })),
                  ),
                ),
              ),
            ),
          ]
        : null,
    ),
    m.problems.length
      ? h(
          "section",
          { "aria-labelledby": "prob-h" },
          h("h2", { id: "prob-h" }, `Inputs skipped (${m.problems.length})`),
          h(
            "ul",
            null,
            m.problems.map((p) => h("li", null, `${p.source} ${p.path}: ${p.error}`)),
          ),
        )
      : null,
  ];
}
