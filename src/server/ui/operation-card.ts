import { type Child, jsx as h } from "hono/jsx";
import type { OpState } from "../../apply/review-log.ts";
import type { Evidence, Operation } from "../../manifest.ts";
import { CsrfField } from "./layout.ts";
import { WordDiff } from "./word-diff.ts";

export const enc = encodeURIComponent;

/** Where the full text of a piece of evidence is shown: the memory file as the dream read it, or the session. */
export function sourceHref(dreamId: string, e: Evidence): string {
  return e.source === "memory"
    ? `/ui/dreams/${dreamId}/source?path=${enc(e.path)}#L${e.line}`
    : `/ui/dreams/${dreamId}/session?path=${enc(e.session)}#m-${e.index}`;
}

export function EvidenceItem(props: { dreamId: string; e: Evidence }): Child {
  const { e } = props;
  const where =
    e.source === "memory" ? `${e.path}, line ${e.line}` : `session ${e.session}, message ${e.index}`;
  return h(
    "li",
    null,
    h("blockquote", null, e.quote),
    h("span", { class: "muted" }, `${e.source}: `),
    h("a", { href: sourceHref(props.dreamId, e) }, where),
  );
}

/** Accept / reject buttons for a set of operations; `label` names them for a screen reader. */
export function DecideForm(props: {
  dreamId: string;
  csrf: string;
  ops: readonly string[];
  label: string;
  back: string;
  disabled?: boolean;
}): Child {
  return h(
    "form",
    { method: "post", action: `/ui/dreams/${props.dreamId}/review`, class: "inline" },
    CsrfField(props.csrf),
    h("input", { type: "hidden", name: "ops", value: props.ops.join(",") }),
    h("input", { type: "hidden", name: "back", value: props.back }),
    h(
      "button",
      {
        type: "submit",
        name: "decision",
        value: "accept",
        "aria-label": `Accept ${props.label}`,
        disabled: props.disabled,
      },
      "Accept",
    ),
    " ",
    h(
      "button",
      {
        type: "submit",
        name: "decision",
        value: "reject",
        "aria-label": `Reject ${props.label}`,
        disabled: props.disabled,
      },
      "Reject",
    ),
  );
}

/** One operation: what, why, where, the change as a word diff, the evidence, and the decision. */
export function OperationCard(props: {
  dreamId: string;
  csrf: string;
  op: Operation;
  state: OpState;
  headings: (path: string, line: number) => string[] | null;
}): Child {
  const { op, state } = props;
  return h(
    "article",
    { class: `card ${state.state}`, id: op.id, "aria-labelledby": `${op.id}-h` },
    h(
      "header",
      null,
      h("h4", { id: `${op.id}-h` }, `${op.id} · ${op.kind}`),
      op.confidence ? h("span", { class: `badge ${op.confidence}` }, op.confidence) : null,
      h(
        "span",
        { class: `badge ${state.state}` },
        state.state === "pending" ? "pending" : `${state.state} by ${state.by}`,
      ),
      DecideForm({ dreamId: props.dreamId, csrf: props.csrf, ops: [op.id], label: op.id, back: op.id }),
    ),
    h("p", null, op.reason),
    op.changes.map((c) => {
      const path = props.headings(c.path, c.startLine);
      return h(
        "div",
        null,
        h(
          "div",
          { class: "muted" },
          `${c.path}, lines ${c.startLine}–${Math.max(c.startLine, c.endLine)}`,
          path?.length ? ` · § ${path.join(" › ")}` : "",
        ),
        WordDiff({ before: c.before, after: c.after }),
      );
    }),
    h(
      "details",
      { open: true },
      h("summary", null, `Evidence (${op.evidence.length})`),
      h(
        "ul",
        null,
        op.evidence.map((e) => EvidenceItem({ dreamId: props.dreamId, e })),
      ),
    ),
  );
}
