import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { manifestSchema } from "../manifest.ts";
import { type LedgerProposal, readState, type State, writeState } from "./state.ts";

/**
 * Which transcripts a dream reads, and which it leaves alone.
 *
 * A transcript (by content hash) is **settled** — never read again — once a proposal that read it is
 * applied (`settle`), when it gave nothing usable (empty, binary, unparseable), or when a version-1
 * state had consumed it. Otherwise it is **held** by the newest pending proposal that read it, or
 * **unread**. A proposal is pending until it is discarded, superseded or settled.
 *
 * Held transcripts are read again by every dream (carried), so the newest proposal holds everything the
 * older ones derived from sessions, and an older proposal whose held transcripts were all read again is
 * marked superseded. The gates count only unread transcripts, so a held one is not "new" and a released
 * one is new once.
 *
 * Discard needs no ledger write: only proposals whose directory is on the volume count, so removing the
 * directory releases what it held. A discard therefore cannot race a running dream on state.json, which
 * only the dream lock's holder writes (runDream, and `settle` under the same lock).
 */

/** A transcript on disk as the ledger sees it. */
export interface Transcript {
  path: string;
  sha256: string;
  mtimeMs: number;
}

export type SessionRef = LedgerProposal["sessions"][number];

export interface LedgerView {
  settled: ReadonlySet<string>;
  /** sha256 → the newest pending proposal that read it. */
  holder: ReadonlyMap<string, string>;
  /** Pending proposals, oldest first. */
  pending: readonly LedgerProposal[];
}

/**
 * The ledger with `onVolume` the proposal directories that exist. The index is in the order the dreams
 * wrote their proposals (ids sort by time only to the second).
 */
export function ledgerViewOf(ledger: State["ledger"], onVolume: ReadonlySet<string>): LedgerView {
  const pending = ledger.proposals.filter((p) => !p.supersededBy && !p.settled && onVolume.has(p.dreamId));
  const holder = new Map<string, string>();
  for (const p of pending) for (const s of p.sessions) holder.set(s.sha256, p.dreamId);
  return { settled: new Set(ledger.settled), holder, pending };
}

async function proposalDirs(proposalsDir: string): Promise<Set<string>> {
  return new Set(await readdir(proposalsDir).catch(() => [] as string[]));
}

export async function viewLedger(state: State, proposalsDir: string): Promise<LedgerView> {
  return ledgerViewOf(state.ledger, await proposalDirs(proposalsDir));
}

/** New for the gates, and read by the next dream in its unread share. */
export const isUnread = (view: LedgerView, sha256: string) =>
  !view.settled.has(sha256) && !view.holder.has(sha256);

export interface ReadingPlan<T extends Transcript> {
  /** Carried first (least recently read first), then unread (oldest first). */
  read: T[];
  carried: number;
  /** Unread transcripts left for a later dream. */
  deferred: number;
}

const byAge = (a: Transcript, b: Transcript) =>
  a.mtimeMs - b.mtimeMs || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

/**
 * At most `maxSessions`: held transcripts first, those of the oldest pending proposal first (they were
 * read longest ago), then unread ones oldest first. Unread transcripts always get ⌈maxSessions/2⌉ of the
 * places (all that are left, when fewer are unread): otherwise a backlog of held transcripts as large
 * as the cap would be read again and again while new ones starve. Oldest first, so none starves either:
 * a steady stream of new transcripts cannot keep an old one waiting.
 */
export function planReading<T extends Transcript>(
  files: readonly T[],
  view: LedgerView,
  maxSessions: number,
): ReadingPlan<T> {
  const rank = new Map(view.pending.map((p, i) => [p.dreamId, i]));
  const holderRank = (f: Transcript) => rank.get(view.holder.get(f.sha256) ?? "") ?? 0;
  const held = files
    .filter((f) => !view.settled.has(f.sha256) && view.holder.has(f.sha256))
    .sort((a, b) => holderRank(a) - holderRank(b) || byAge(a, b));
  const unread = files.filter((f) => isUnread(view, f.sha256)).sort(byAge);
  const reserved = Math.min(unread.length, Math.ceil(maxSessions / 2));
  const carried = held.slice(0, Math.max(0, maxSessions - reserved));
  const fresh = unread.slice(0, maxSessions - carried.length);
  return { read: [...carried, ...fresh], carried: carried.length, deferred: unread.length - fresh.length };
}

export interface Supersession {
  /** Pending proposals whose held transcripts this dream all read again. */
  superseded: string[];
  /** Pending proposals that keep some: left out by maxSessions, or gone from the sessions dir. */
  kept: { dreamId: string; left: number }[];
}

/**
 * A transcript counts as read again when this dream read its content, or read its path (a transcript
 * that grew since: the dream read the newer, longer version).
 */
export function supersession(view: LedgerView, read: readonly SessionRef[]): Supersession {
  const hashes = new Set(read.map((r) => r.sha256));
  const paths = new Set(read.map((r) => r.path));
  const out: Supersession = { superseded: [], kept: [] };
  for (const p of view.pending) {
    const left = p.sessions.filter(
      (s) => view.holder.get(s.sha256) === p.dreamId && !hashes.has(s.sha256) && !paths.has(s.path),
    ).length;
    if (left === 0) out.superseded.push(p.dreamId);
    else out.kept.push({ dreamId: p.dreamId, left });
  }
  return out;
}

/** Lines for the new proposal's manifest notes and report. */
export function ledgerNotes(s: Supersession, carried: number): string[] {
  return [
    ...(carried ? [`${carried} sessions read again from pending proposals`] : []),
    ...s.superseded.map((id) => `supersedes ${id}: every session it held was read again`),
    ...s.kept.map(
      ({ dreamId, left }) =>
        `${dreamId} stays pending: ${left} of its sessions were not read again (maxSessions, or no longer in the sessions dir)`,
    ),
  ];
}

/**
 * After the proposal `dreamId` is written: index what it read, mark what it supersedes, settle what
 * gave nothing, and forget proposals discarded meanwhile. Mutates `state`; the caller writes it.
 */
export async function recordProposal(
  state: State,
  proposalsDir: string,
  p: {
    dreamId: string;
    sessions: readonly SessionRef[];
    unusable: readonly string[];
    supersedes: readonly string[];
  },
): Promise<void> {
  const onVolume = await proposalDirs(proposalsDir);
  const superseded = new Set(p.supersedes);
  const ledger = state.ledger;
  ledger.proposals = ledger.proposals
    .filter((e) => onVolume.has(e.dreamId) && e.dreamId !== p.dreamId)
    .map((e) =>
      superseded.has(e.dreamId) ? { dreamId: e.dreamId, sessions: [], supersededBy: p.dreamId } : e,
    );
  ledger.proposals.push({ dreamId: p.dreamId, sessions: [...p.sessions] });
  settleHashes(ledger, p.unusable);
}

function settleHashes(ledger: State["ledger"], hashes: Iterable<string>): void {
  const known = new Set(ledger.settled);
  for (const h of hashes) {
    if (known.has(h)) continue;
    known.add(h);
    ledger.settled.push(h);
  }
}

/**
 * Settle a proposal, for apply: the transcripts it read (its manifest's list) are never read again, and
 * it is no longer pending, nor ever superseded. False when there is no such proposal. What becomes of
 * the other pending proposals once one is applied is for apply to decide. Call it holding the dream
 * lock: like a dream, it rewrites state.json from what it read.
 */
export async function settle(proposalsDir: string, dreamId: string): Promise<boolean> {
  const state = await readState(proposalsDir);
  const entry = state.ledger.proposals.find((p) => p.dreamId === dreamId);
  const sessions = (await manifestSessions(proposalsDir, dreamId)) ?? entry?.sessions;
  if (!sessions) return false;
  settleHashes(
    state.ledger,
    sessions.map((s) => s.sha256),
  );
  const settled: LedgerProposal = { dreamId, sessions, settled: true };
  const at = state.ledger.proposals.findIndex((p) => p.dreamId === dreamId);
  if (at >= 0) state.ledger.proposals[at] = settled;
  else state.ledger.proposals.push(settled);
  await writeState(proposalsDir, state);
  return true;
}

async function manifestSessions(proposalsDir: string, dreamId: string): Promise<SessionRef[] | null> {
  if (dreamId.includes("/") || dreamId.startsWith(".")) return null;
  const raw = await readFile(join(proposalsDir, dreamId, "manifest.json"), "utf8").catch(() => null);
  if (raw === null) return null;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return null;
  }
  const m = manifestSchema.safeParse(json);
  return m.success ? m.data.sessions.map((s) => ({ path: s.id, sha256: s.sha256 })) : null;
}

export type ProposalStatus =
  | { status: "pending" }
  | { status: "superseded"; supersededBy: string }
  | { status: "settled" };

/** For the proposal list. A proposal the ledger does not know (written before version 2) is pending. */
export function proposalStatuses(ledger: State["ledger"]): (dreamId: string) => ProposalStatus {
  const byId = new Map(ledger.proposals.map((p) => [p.dreamId, p]));
  return (dreamId) => {
    const e = byId.get(dreamId);
    if (e?.supersededBy) return { status: "superseded", supersededBy: e.supersededBy };
    return e?.settled ? { status: "settled" } : { status: "pending" };
  };
}
