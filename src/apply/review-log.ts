import { appendFile, open, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Manifest } from "../manifest.ts";

/**
 * The review of one proposal: `<proposal>/review.jsonl`, one decision per line, appended and never
 * rewritten, so the file is the audit log of who decided what, when (issue 14). The state of an
 * operation is its latest decision; without one it is pending.
 */
export interface ReviewEvent {
  at: string;
  /** `cli`, `api`, or the reviewer a request names. */
  by: string;
  op: string;
  decision: "accepted" | "rejected";
  comment?: string;
}

export type OpState =
  | { state: "pending" }
  | ({ state: ReviewEvent["decision"] } & Omit<ReviewEvent, "decision" | "op">);

export const reviewPathOf = (proposalDir: string) => join(proposalDir, "review.jsonl");

/** The events, oldest first; a torn last line (a crash mid-append) is skipped, never fatal. */
export async function readReview(proposalDir: string): Promise<ReviewEvent[]> {
  const text = await readFile(reviewPathOf(proposalDir), "utf8").catch((err: NodeJS.ErrnoException) => {
    if (err.code === "ENOENT") return "";
    throw err;
  });
  const out: ReviewEvent[] = [];
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    try {
      const e = JSON.parse(line) as ReviewEvent;
      if (typeof e.op === "string" && (e.decision === "accepted" || e.decision === "rejected")) out.push(e);
    } catch {
      // A partial line from an interrupted append: the decision was never made.
    }
  }
  return out;
}

/** Append decisions durably (one write, then fsync). */
export async function appendReview(proposalDir: string, events: readonly ReviewEvent[]): Promise<void> {
  if (!events.length) return;
  const path = reviewPathOf(proposalDir);
  await appendFile(path, `${events.map((e) => JSON.stringify(e)).join("\n")}\n`, { mode: 0o640 });
  const fh = await open(path, "r+");
  await fh.sync().finally(() => fh.close());
}

export function reviewState(m: Manifest, events: readonly ReviewEvent[]): Map<string, OpState> {
  const state = new Map<string, OpState>(m.operations.map((o) => [o.id, { state: "pending" }]));
  for (const { op, decision, ...rest } of events)
    if (state.has(op)) state.set(op, { state: decision, ...rest });
  return state;
}

/** Which operations a request names: ids, "all", or every one of a rule or a confidence. */
export interface Selection {
  ids?: readonly string[] | "all";
  rule?: string;
  confidence?: "certain" | "likely";
}

/** The ids `sel` names; an unknown id is an error naming it, so a typo never approves nothing silently. */
export function select(m: Manifest, sel: Selection): string[] {
  const known = new Set(m.operations.map((o) => o.id));
  if (Array.isArray(sel.ids)) {
    const unknown = sel.ids.filter((id) => !known.has(id));
    if (unknown.length) throw new Error(`no such operation in dream ${m.dreamId}: ${unknown.join(", ")}`);
  }
  return m.operations
    .filter(
      (o) =>
        (sel.ids === "all" ||
          (Array.isArray(sel.ids) && sel.ids.includes(o.id)) ||
          (sel.ids === undefined && (sel.rule !== undefined || sel.confidence !== undefined))) &&
        (sel.rule === undefined || o.rule === sel.rule) &&
        (sel.confidence === undefined || o.confidence === sel.confidence),
    )
    .map((o) => o.id);
}
