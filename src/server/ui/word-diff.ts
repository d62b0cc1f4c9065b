import { diffWords } from "diff";
import { type Child, jsx as h } from "hono/jsx";

/** Past this many characters a word diff costs more than it helps: both sides are shown whole instead. */
const MAX_DIFF_CHARS = 20_000;

export type DiffPart = { text: string; op: "same" | "removed" | "added" };

/** Before → after as runs of unchanged, removed and added words. */
export function wordParts(before: string, after: string): DiffPart[] {
  if (!before) return after ? [{ text: after, op: "added" }] : [];
  if (!after) return [{ text: before, op: "removed" }];
  if (before.length + after.length > MAX_DIFF_CHARS)
    return [
      { text: `${before}\n`, op: "removed" },
      { text: after, op: "added" },
    ];
  return diffWords(before, after).map((p) => ({
    text: p.value,
    op: p.added ? "added" : p.removed ? "removed" : "same",
  }));
}

/** A readable word-level diff; memory text goes in as text children, so hono/jsx escapes it. */
export function WordDiff(props: { before: readonly string[]; after: readonly string[] }): Child {
  const parts = wordParts(props.before.join("\n"), props.after.join("\n"));
  return h(
    "pre",
    { class: "diff" },
    parts.map((p) =>
      p.op === "same"
        ? p.text
        : h(
            p.op === "added" ? "ins" : "del",
            { "aria-label": p.op === "added" ? "added" : "removed" },
            p.text,
          ),
    ),
  );
}
