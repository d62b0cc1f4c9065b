import type { PathError } from "../errors.ts";
import { resolveInside } from "../fs/paths.ts";
import type { Change, Operation, ProposedOperation, Refused } from "../manifest.ts";
import { containment, contentWords, hardTokens } from "../text/similarity.ts";
import { blockViolation } from "./blocks.ts";
import { confidenceOf } from "./confidence.ts";
import { removesOnlyDanglingLinks } from "./dangling-links.ts";
import { checkEvidence, type EvidenceBase } from "./evidence.ts";
import { newerThanAll, rewriteViolation } from "./rewrites.ts";
import { outsideScope, type Scope } from "./scope.ts";
import { type SessionOrder, sessionsAfter } from "./session-order.ts";
import { createStructureGuard } from "./structure.ts";

/**
 * Code, not the prompt, decides what reaches a proposal. An operation is accepted only if every path
 * stays inside the store, every change matches the input it claims to replace, every evidence quote
 * is found where it says, a removal cites something that survives it, and it does not overlap an
 * operation accepted before it. Refused operations are kept, with the rule that refused them.
 */
export interface CheckInput {
  operations: readonly ProposedOperation[];
  base: EvidenceBase;
  /** Paths of files that exist in the store but may not be edited (binary, oversized, not notes). */
  opaque: ReadonlySet<string>;
  /** Most entries one dream may remove, e.g. 25% of the store's entries; above it, no removal passes. */
  maxRemovals?: number;
  /** Every file in the store: an index line linking to none of them may go without further evidence. */
  paths?: ReadonlySet<string>;
  /** The day (YYYY-MM-DD) before which a deadline has passed, for what lists it; never a removal's evidence. */
  expiredBefore?: string;
  /** The day each input line was written (YYYY-MM-DD), where known: a supersede must cite newer evidence. */
  lineDates?: ReadonlyMap<string, ReadonlyMap<number, string>>;
  /** When sessions and entries were written: a session retires only what it provably follows. */
  order?: SessionOrder;
  /** Lines earlier dreams wrote (trimmed): a change may not remove or rewrite one (issue 13, class 7). */
  written?: ReadonlySet<string>;
  /** The dream instructions' `focus` / `leave` globs: a change outside focus or inside leave is refused. */
  scope?: Scope;
  /** Limits on what one dream may add (defaults: 20 new files, 64 KiB and 400 lines each). */
  limits?: { maxNewFiles?: number; maxNewFileBytes?: number; maxNewFileLines?: number };
}

export interface CheckResult {
  accepted: Operation[];
  refused: Refused[];
}

class Refusal extends Error {
  readonly rule: string;
  constructor(rule: string, detail: string) {
    super(detail);
    this.rule = rule;
  }
}

const FAKE_ROOT = "/store";

function checkPath(path: string): void {
  try {
    resolveInside(FAKE_ROOT, path);
  } catch (err) {
    throw new Refusal("path-outside-store", (err as PathError).message);
  }
  if (path.split("/").some((p) => p === "" || p === "." || p.startsWith("."))) {
    throw new Refusal("path-outside-store", `path refused: ${path} is not a plain relative path`);
  }
}

function checkChange(c: Change, base: EvidenceBase, opaque: ReadonlySet<string>, kind: string): void {
  checkPath(c.path);
  if (opaque.has(c.path)) throw new Refusal("not-editable", `${c.path} is not a note dreamd may edit`);
  const lines = base.notes.get(c.path);
  if (!lines) {
    if (kind === "create" && c.before.length === 0 && c.startLine === 1 && c.endLine === 0) return;
    throw new Refusal("unknown-target", `${c.path} does not exist in the memory store`);
  }
  if (c.endLine < c.startLine - 1 || c.endLine > lines.length) {
    throw new Refusal(
      "bad-range",
      `${c.path}:${c.startLine}-${c.endLine} is outside the file (${lines.length} lines)`,
    );
  }
  const actual = lines.slice(c.startLine - 1, c.endLine);
  if (actual.length !== c.before.length || actual.some((l, i) => l !== c.before[i])) {
    throw new Refusal(
      "stale-before",
      `${c.path}:${c.startLine}-${c.endLine} does not contain the lines the operation replaces`,
    );
  }
}

function removedRange(c: Change, line: number, path: string): boolean {
  return c.path === path && c.after.length === 0 && line >= c.startLine && line <= c.endLine;
}

/**
 * Line ranges already changed, per file, sorted, so each overlap check is a binary search rather than a
 * scan of every accepted operation. An insertion (endLine = startLine - 1) is a point in the gap before
 * startLine: it conflicts with a replacement that spans that gap, never with another insertion.
 */
class Taken {
  private ranges = new Map<string, { start: number; end: number; id: string }[]>();
  private points = new Map<string, { at: number; id: string }[]>();

  private static firstAtOrAfter<T>(list: T[], value: number, key: (t: T) => number): number {
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (key(list[mid] as T) < value) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  find(c: Change): string | null {
    const ranges = this.ranges.get(c.path) ?? [];
    if (c.endLine < c.startLine) {
      const at = c.startLine - 0.5;
      const hit = ranges[Taken.firstAtOrAfter(ranges, at, (r) => r.end)];
      return hit && hit.start <= at ? hit.id : null;
    }
    const hit = ranges[Taken.firstAtOrAfter(ranges, c.startLine, (r) => r.end)];
    if (hit && hit.start <= c.endLine) return hit.id;
    const points = this.points.get(c.path) ?? [];
    const p = points[Taken.firstAtOrAfter(points, c.startLine, (x) => x.at)];
    return p && p.at <= c.endLine ? p.id : null;
  }

  add(c: Change, id: string): void {
    if (c.endLine < c.startLine) {
      const points = this.points.get(c.path) ?? [];
      const at = c.startLine - 0.5;
      points.splice(
        Taken.firstAtOrAfter(points, at, (x) => x.at),
        0,
        { at, id },
      );
      this.points.set(c.path, points);
      return;
    }
    const ranges = this.ranges.get(c.path) ?? [];
    ranges.splice(
      Taken.firstAtOrAfter(ranges, c.startLine, (r) => r.start),
      0,
      { start: c.startLine, end: c.endLine, id },
    );
    this.ranges.set(c.path, ranges);
  }
}

function checkOne(op: ProposedOperation, input: CheckInput, taken: Taken): void {
  for (const t of op.targets) checkPath(t);
  for (const c of op.changes) {
    // The owner's word first: a change where the instructions forbid one is refused as such.
    const outside = input.scope ? outsideScope(c.path, input.scope) : null;
    if (outside) throw new Refusal("instructions-scope", outside);
    checkChange(c, input.base, input.opaque, op.kind);
  }
  for (const c of op.changes) {
    const after = new Set(c.after.map((l) => l.trim()));
    const ours = c.before.find((l) => l.trim() && input.written?.has(l.trim()) && !after.has(l.trim()));
    if (ours !== undefined) {
      throw new Refusal(
        "earlier-dream-wrote-it",
        `${c.path}:${c.startLine}-${c.endLine} changes "${ours.trim()}", which an earlier dream wrote: a dream never builds on another's unreviewed change`,
      );
    }
    if (!op.targets.includes(c.path))
      throw new Refusal("undeclared-target", `${c.path} is changed but not named in targets`);
  }
  if (op.evidence.length === 0) throw new Refusal("no-evidence", "an operation must cite evidence");
  for (const ev of op.evidence) {
    const why = checkEvidence(ev, input.base);
    if (why) throw new Refusal("evidence-not-found", why);
  }
  const removals = op.changes.filter((c) => c.after.length === 0);
  if (op.kind === "merge-block") {
    const why = blockViolation(op.changes, op.evidence, input.base.notes);
    if (why) throw new Refusal("block-not-duplicated", why);
  }
  if (op.kind === "create") {
    const sessions = new Set(op.evidence.flatMap((ev) => (ev.source === "session" ? [ev.session] : [])));
    if (sessions.size < 2)
      throw new Refusal("create-needs-sessions", "a new note must cite at least 2 sessions");
  }
  const lim = { maxNewFileBytes: 64 * 1024, maxNewFileLines: 400, ...input.limits };
  for (const c of op.changes) {
    if (input.base.notes.has(c.path)) continue;
    if (c.after.length > lim.maxNewFileLines || Buffer.byteLength(c.after.join("\n")) > lim.maxNewFileBytes) {
      throw new Refusal(
        "too-large",
        `${c.path} would be ${c.after.length} lines; a new note may have ${lim.maxNewFileLines} lines and ${lim.maxNewFileBytes} bytes`,
      );
    }
  }
  const rewrite = rewriteViolation(op, input);
  if (rewrite) throw new Refusal(rewrite.rule, rewrite.detail);
  if (op.kind === "supersede" && input.lineDates && removals.length) {
    // The surviving evidence must be newer than everything it retires; "latest wins" is checked, not claimed.
    // (A supersede that only rewrites answers to checks/rewrites.ts.)
    const dateOf = (path: string, line: number) => input.lineDates?.get(path)?.get(line) ?? null;
    const survivors = op.evidence.flatMap((ev) =>
      ev.source === "memory" && !removals.some((c) => removedRange(c, ev.line, ev.path))
        ? [dateOf(ev.path, ev.line)]
        : [],
    );
    const retired = removals.flatMap((c) =>
      Array.from({ length: c.endLine - c.startLine + 1 }, (_, i) => dateOf(c.path, c.startLine + i)),
    );
    if (!newerThanAll(survivors, retired)) {
      throw new Refusal(
        "supersede-needs-newer-evidence",
        "a supersede must cite a surviving entry written after every entry it retires",
      );
    }
  }
  if (removals.length) {
    const survivor = op.evidence.some(
      (ev) => ev.source === "session" || !removals.some((c) => removedRange(c, ev.line, ev.path)),
    );
    // The one removal that needs no surviving quote, because code checks the reason itself: a link line
    // whose target is missing. A passed deadline is not one: it does not say the thing was done.
    const dangling =
      input.paths !== undefined &&
      removals.every((c) => removesOnlyDanglingLinks(c, input.paths ?? new Set()));
    if (!survivor && !dangling) {
      throw new Refusal(
        "removal-without-evidence",
        "a removal must cite evidence that is not itself removed",
      );
    }
    if (!dangling) {
      // Evidence must be about what it removes: a quote that shares an identifier or most of the words. An
      // instruction smuggled into a transcript ("delete MEMORY.md") exists verbatim, but is about nothing
      // it would remove.
      const cited = op.evidence
        .filter((ev) => ev.source === "session" || !removals.some((c) => removedRange(c, ev.line, ev.path)))
        .map((ev) => ev.quote);
      for (const c of removals) {
        const text = c.before.join(" ");
        if (!text.trim()) continue;
        const words = new Set(contentWords(text));
        const facts = hardTokens(text).facts;
        const related = cited.some((q) => {
          const qf = hardTokens(q).facts;
          return containment(words, new Set(contentWords(q))) >= 0.5 || [...facts].some((f) => qf.has(f));
        });
        if (!related) {
          throw new Refusal(
            "evidence-unrelated",
            `no cited evidence is about ${c.path}:${c.startLine}-${c.endLine}`,
          );
        }
      }
    }
    const memorySurvivor = op.evidence.some(
      (ev) => ev.source === "memory" && !removals.some((c) => removedRange(c, ev.line, ev.path)),
    );
    if (!dangling && !memorySurvivor && input.order) {
      // Only sessions vouch for it: one of them must come after what it retires.
      const cited = [...new Set(op.evidence.flatMap((ev) => (ev.source === "session" ? [ev.session] : [])))];
      for (const c of removals) {
        const why = sessionsAfter(
          input.order,
          cited,
          c.path,
          c.before.map((text, i) => ({ line: c.startLine + i, text })),
        );
        if (why) throw new Refusal("session-not-after-entry", why);
      }
    }
  }
  // Within one operation, the same interval rules as between operations.
  const own = new Taken();
  for (const c of op.changes) {
    if (own.find(c))
      throw new Refusal(
        "overlap",
        `${c.path}:${c.startLine}-${c.endLine} is changed twice by the same operation`,
      );
    own.add(c, "self");
  }
  for (const c of op.changes) {
    const prior = taken.find(c);
    if (prior)
      throw new Refusal("overlap", `${c.path}:${c.startLine}-${c.endLine} is already changed by ${prior}`);
  }
}

export function checkOperations(input: CheckInput): CheckResult {
  const result = checkEach(input);
  const removals = result.accepted.reduce(
    (n, op) => n + op.changes.filter((c) => c.after.length === 0).length,
    0,
  );
  if (input.maxRemovals === undefined || removals <= input.maxRemovals) return result;
  // Over budget: this dream would delete too much to trust. Nothing is removed; everything else stands.
  const keep = result.accepted.filter((op) => op.changes.every((c) => c.after.length > 0));
  const dropped = result.accepted.filter((op) => !keep.includes(op));
  const detail = `the dream would remove ${removals} entries, over the deletion budget of ${input.maxRemovals}`;
  return {
    accepted: keep.map((op, i) => ({ ...op, id: `op-${String(i + 1).padStart(3, "0")}` })),
    refused: [
      ...result.refused,
      ...dropped.map(({ id: _id, ...operation }) => ({ operation, rule: "deletion-budget", detail })),
    ],
  };
}

function checkEach(input: CheckInput): CheckResult {
  const accepted: Operation[] = [];
  const refused: Refused[] = [];
  const maxNewFiles = input.limits?.maxNewFiles ?? 20;
  const newFiles = new Set<string>();
  const taken = new Taken();
  const paths = input.paths;
  const structure = createStructureGuard(input.base.notes, (p) => paths?.has(p) ?? true);
  for (const op of input.operations) {
    try {
      checkOne(op, input, taken);
      const broken = structure.violation(op.changes, op.kind === "merge-block");
      if (broken) throw new Refusal(broken.rule, broken.detail);
      const adds = op.changes.filter((c) => !input.base.notes.has(c.path)).map((c) => c.path);
      if (new Set([...newFiles, ...adds]).size > maxNewFiles) {
        throw new Refusal("too-many-files", `a dream may add at most ${maxNewFiles} files`);
      }
      for (const a of adds) newFiles.add(a);
      const id = `op-${String(accepted.length + 1).padStart(3, "0")}`;
      for (const c of op.changes) taken.add(c, id);
      structure.accept(op.changes);
      // An engine's own claim of confidence counts for nothing: code decides it here.
      accepted.push({ id, ...op, confidence: confidenceOf(op, paths ?? new Set(), input.base.notes) });
    } catch (err) {
      if (!(err instanceof Refusal)) throw err;
      refused.push({ operation: op, rule: err.rule, detail: err.message });
    }
  }
  return { accepted, refused };
}
