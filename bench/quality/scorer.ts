import type { Labels } from "./generator.ts";

/** What a consolidation (dreamd or a baseline) produced, in the terms the scorer needs. */
export interface Outcome {
  store: Record<string, string>;
  /** Pairs of input entries (`path:line`) it merged together. */
  mergedPairs: [string, string][];
  /** Pairs it listed as possible duplicates without merging them (for a reviewer or a model). */
  candidatePairs?: [string, string][];
  /** New notes it created, with how many distinct sessions each cites. */
  created: { path: string; sessions: number }[];
  /** Findings listed for review, by the quotes they cite (session sentences, memory lines). */
  review?: { sessionQuotes: string[]; memoryQuotes: string[] }[];
}

export interface Scores {
  exactP: number;
  exactR: number;
  dedupP: number;
  dedupR: number;
  dedupF1: number;
  paraphraseR: number;
  paraphraseListed: number;
  candidateP: number;
  dedupF1All: number;
  hardNegativeFalseMerge: number;
  swapFalseMerge: number;
  twoFactsFalseMerge: number;
  factsLost: number;
  currentValue: number;
  supersededLeft: number;
  relativeDates: number;
  survival: number;
  patternP: number;
  patternR: number;
  patternsCite2: number;
  staleP: number;
  staleR: number;
  /** Corrections stated after their entry, listed beside it for review (issue 16). */
  correctionsListed: number;
  /** Corrections stated before their entry (the entry is newer) that were listed anyway. */
  correctionsWrong: number;
  /** Entries a correction is about, still in the store (nothing changed by code). */
  correctionsKept: number;
  /** Switches said after their entry whose entry now holds the new value (issue 16). */
  switchesApplied: number;
  /** Switches said before their entry (it is newer) whose entry was changed anyway. */
  switchesWrong: number;
}

const key = (i: { path: string; line: number }) => `${i.path}:${i.line}`;
const pairKey = (a: string, b: string) => (a < b ? `${a}|${b}` : `${b}|${a}`);
const ratio = (num: number, den: number) => (den === 0 ? 1 : num / den);

export function score(labels: Labels, out: Outcome): Scores {
  const lines = new Set(Object.values(out.store).flatMap((t) => t.split("\n")));
  const predicted = new Set(out.mergedPairs.map(([a, b]) => pairKey(a, b)));
  const listed = new Set((out.candidatePairs ?? []).map(([a, b]) => pairKey(a, b)));
  const truth = (kinds: readonly string[]) =>
    new Set(
      labels.dupGroups
        .filter((g) => kinds.includes(g.kind))
        .map((g) =>
          pairKey(key(g.members[0] ?? { path: "", line: 0 }), key(g.members[1] ?? { path: "", line: 0 })),
        ),
    );
  const all = truth(["exact", "normalized"]);
  // A wording contained in a longer one lacks a qualifier the other has, and one with a word swapped may
  // name another subject: to be listed for review, never merged (issue 13). A paraphrase too: only
  // meaning could tell.
  const paraphrase = truth(["paraphrase", "contained", "near"]);
  const exact = truth(["exact", "normalized"]);
  const twoFacts = new Set(labels.twoFacts.map(({ pair: [a, b] }) => pairKey(key(a), key(b))));
  const tp = [...predicted].filter((p) => all.has(p)).length;
  const exactTp = [...exact].filter((p) => predicted.has(p)).length;
  // Exact precision: of the predicted pairs that are exact/normalized-equal text, how many are labelled.
  const dedupP = ratio(tp, predicted.size);
  const dedupR = ratio(tp, all.size);
  const falseMerges = (pairs: Labels["hardNegatives"]) =>
    pairs.length ? pairs.filter(([a, b]) => predicted.has(pairKey(key(a), key(b)))).length / pairs.length : 0;
  const createdText = out.created.map((c) => (out.store[c.path] ?? "").toLowerCase());
  const matched = labels.patterns.filter((p) => createdText.some((t) => t.includes(p.key))).length;
  const createdMatching = createdText.filter((t) => labels.patterns.some((p) => t.includes(p.key))).length;
  const exactInstances = new Set(
    labels.dupGroups
      .filter((g) => g.kind === "exact" || g.kind === "normalized")
      .flatMap((g) => g.members.map(key)),
  );
  const touchingExact = [...predicted].filter((p) => p.split("|").some((k) => exactInstances.has(k))).length;
  return {
    exactP: ratio(exactTp, touchingExact),
    exactR: ratio(exactTp, exact.size),
    dedupP,
    dedupR,
    dedupF1: dedupP + dedupR === 0 ? 0 : (2 * dedupP * dedupR) / (dedupP + dedupR),
    paraphraseR: ratio([...paraphrase].filter((p) => predicted.has(p)).length, paraphrase.size),
    paraphraseListed: ratio(
      [...paraphrase].filter((p) => predicted.has(p) || listed.has(p)).length,
      paraphrase.size,
    ),
    candidateP: ratio(
      [...listed].filter((p) => all.has(p) || paraphrase.has(p) || twoFacts.has(p)).length,
      listed.size,
    ),
    dedupF1All: (() => {
      const truthAll = new Set([...all, ...paraphrase]);
      const tpAll = [...predicted].filter((p) => truthAll.has(p)).length;
      const pr = ratio(tpAll, predicted.size);
      const rc = ratio(tpAll, truthAll.size);
      return pr + rc === 0 ? 0 : (2 * pr * rc) / (pr + rc);
    })(),
    hardNegativeFalseMerge: falseMerges(labels.hardNegatives),
    swapFalseMerge: falseMerges(labels.swapNegatives),
    twoFactsFalseMerge: falseMerges(labels.twoFacts.map((t) => t.pair)),
    // A fact with no copy left in the store: stated once, one side of a pair of two facts, the current
    // value of a slot, or every member of a duplicate group gone.
    factsLost: (() => {
      const once = [
        ...labels.singletons,
        ...[...labels.hardNegatives, ...labels.swapNegatives, ...labels.twoFacts.map((t) => t.pair)].flatMap(
          ([a, b]) => [a.text, b.text],
        ),
        ...labels.slots.map((s) => s.current),
      ];
      const groups = labels.dupGroups.filter((g) => !g.members.some((m) => lines.has(m.text))).length;
      return once.filter((t) => !lines.has(t)).length + groups;
    })(),
    // Current means the latest value is there and no older one contradicts it.
    currentValue: ratio(
      labels.slots.filter((s) => lines.has(s.current) && !s.superseded.some((t) => lines.has(t))).length,
      labels.slots.length,
    ),
    supersededLeft: labels.slots.reduce((n, s) => n + s.superseded.filter((t) => lines.has(t)).length, 0),
    relativeDates: ratio(
      labels.relativeDates.filter((d) => lines.has(d.expected)).length,
      labels.relativeDates.length,
    ),
    // Both sides of a swap are facts of their own: losing either is a lost fact.
    survival: (() => {
      const facts = [...labels.singletons, ...labels.swapNegatives.flatMap(([a, b]) => [a.text, b.text])];
      return ratio(facts.filter((t) => lines.has(t)).length, facts.length);
    })(),
    patternP: ratio(createdMatching, out.created.length),
    patternR: ratio(matched, labels.patterns.length),
    patternsCite2: ratio(out.created.filter((c) => c.sessions >= 2).length, out.created.length),
    staleP: ratio(
      labels.todos.filter((t) => t.closed && !lines.has(t.text)).length,
      labels.todos.filter((t) => !lines.has(t.text)).length,
    ),
    staleR: ratio(
      labels.todos.filter((t) => t.closed && !lines.has(t.text)).length,
      labels.todos.filter((t) => t.closed).length,
    ),
    ...corrections(labels, out, lines),
    switchesApplied: ratio(
      labels.switches.filter((w) => w.after && lines.has(w.becomes) && !lines.has(w.entry)).length,
      labels.switches.filter((w) => w.after).length,
    ),
    switchesWrong: labels.switches.filter((w) => !w.after && !lines.has(w.entry)).length,
  };
}

/** How the planted session corrections came out: listed when said after the entry, never changed. */
function corrections(
  labels: Labels,
  out: Outcome,
  lines: ReadonlySet<string>,
): Pick<Scores, "correctionsListed" | "correctionsWrong" | "correctionsKept"> {
  const listed = (c: Labels["corrections"][number]) =>
    (out.review ?? []).some(
      (r) => r.sessionQuotes.some((q) => q.includes(c.sentence)) && r.memoryQuotes.includes(c.entry),
    );
  const after = labels.corrections.filter((c) => c.after);
  return {
    correctionsListed: ratio(after.filter(listed).length, after.length),
    correctionsWrong: labels.corrections.filter((c) => !c.after && listed(c)).length,
    correctionsKept: ratio(
      labels.corrections.filter((c) => lines.has(c.entry)).length,
      labels.corrections.length,
    ),
  };
}
