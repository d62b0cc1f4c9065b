/**
 * A seeded memory world with labels: what a consolidated store must keep, merge, supersede, rewrite and
 * create. Rendered in the three styles agents write (a MEMORY.md index with frontmatter topic files,
 * dated daily notes, a Cline-style memory-bank document) plus Claude Code JSONL and Messages JSON
 * transcripts. Every labelled item has a unique subject, so the scorer can find it by text.
 */

export interface Instance {
  path: string;
  line: number;
  text: string;
}

export interface Labels {
  /** Groups that should collapse to one entry (exact, normalized, near, contained). */
  dupGroups: {
    kind: "exact" | "normalized" | "near" | "contained" | "paraphrase";
    members: Instance[];
    keep: string;
  }[];
  /** Pairs that look alike but differ in a number, id, version or date: must both survive. */
  hardNegatives: [Instance, Instance][];
  /** Pairs alike but for one word swapped for its opposite or an alternative (after/before, cat/dog): must both survive. */
  swapNegatives: [Instance, Instance][];
  /** Slots whose value changed: the store must hold `current` and none of `superseded`. */
  slots: { subject: string; current: string; superseded: string[] }[];
  /** Relative dates: the store's entry must read `expected`. */
  relativeDates: { original: string; expected: string }[];
  /** Instructions repeated in ≥ 3 sessions (must become notes) and decoys seen once or twice (must not). */
  patterns: { key: string; sessions: number }[];
  decoys: { key: string; sessions: number }[];
  /**
   * Pairs alike in words that are two facts (issue 13): another subject ("the billing-api …" / "the
   * search-worker …"), the roles swapped ("reads from A, writes to B" / "reads from B, writes to A"), or a
   * clause added ("retries failed webhooks" / "… only for paying customers"). Never merged; listing is fine.
   */
  twoFacts: { kind: "subject" | "role" | "clause"; pair: [Instance, Instance] }[];
  /** Facts stated once: must survive verbatim. */
  singletons: string[];
  /**
   * Stale items: open TODOs reported done by a later session (`closed`: should go); deadlines, and facts
   * about a thing a later session says was removed when they stand in a day's record (stay).
   */
  todos: { text: string; closed: boolean }[];
  /**
   * Corrections a person states in a session ("No, we use pnpm for … now") about an entry (issue 16):
   * `after` the entry was written, to be listed for review beside it; before it, the entry is the newer
   * word and is not listed. Nothing is changed either way: the entry stays.
   */
  corrections: { entry: string; sentence: string; after: boolean }[];
  /**
   * Switches a person states naming both sides ("We switched from kestrel-c0 to redpanda-c0."), the old
   * side named once in the store as a slot's whole value: said `after` the entry, the entry becomes
   * `becomes`; said before it, the entry is the newer word and stays as it is.
   */
  switches: { entry: string; becomes: string; sentence: string; after: boolean }[];
}

export interface World {
  memory: Record<string, string>;
  sessions: Record<string, string>;
  labels: Labels;
}

export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SERVICES = [
  "billing",
  "search",
  "ledger",
  "auth",
  "notify",
  "report",
  "catalog",
  "gateway",
  "export",
  "invoice",
];
const NOUNS = [
  "worker",
  "api",
  "service",
  "cron",
  "queue",
  "pipeline",
  "store",
  "proxy",
  "indexer",
  "scheduler",
];
const ATTRS: [string, string[]][] = [
  ["deploy region", ["eu-west-1", "us-east-1", "eu-central-1", "ap-south-1"]],
  ["package manager", ["pnpm", "npm", "yarn", "bun"]],
  ["test command", ["make test", "pnpm test", "go test ./...", "cargo nextest"]],
  ["owner", ["Priya", "Marco", "Dana", "Chen", "Ines"]],
  ["api version", ["v1", "v2", "v3", "v4"]],
];
// One word apart, and that word changes the fact: opposites, alternatives of one kind, other tools.
const SWAPS: [string, string, string][] = [
  ["Run the schema migrations for the {s} {w} deploying it to the production cluster.", "before", "after"],
  [
    "The {s} {w} its weekly usage export to the shared analytics bucket every sunday.",
    "uploads",
    "downloads",
  ],
  ["{w} request tracing on the {s} while the payment incident review is still open.", "Enable", "Disable"],
  ["The {s} keeps the shared session cache for mobile clients in the {w} storage tier.", "hot", "cold"],
  ["The {s} installs its dependencies with {w} workspaces across the whole monorepo.", "pnpm", "yarn"],
  ["The {s} mascot is a friendly {w} that sleeps under the desk near the main window.", "dog", "cat"],
  [
    "Old invoices for the {s} are kept in the {w} archive volume of the billing cluster.",
    "compressed",
    "uncompressed",
  ],
];
const PEOPLE = ["Priya", "Marco", "Dana", "Chen", "Ines", "Tomas", "Aiko", "Ravi"];
const WEEKDAYS = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];
const INSTRUCTIONS = [
  "never squash merge the release branches",
  "always run the linter before pushing",
  "avoid default exports in the shared packages",
  "keep database migrations backwards compatible",
  "never log customer email addresses",
  "use feature flags for risky changes",
  "avoid mocking the database in integration tests",
  "always pin exact versions of base images",
];

const day = (i: number) => new Date(Date.UTC(2026, 0, 5) + i * 86_400_000).toISOString().slice(0, 10);
const addDays = (d: string, n: number) =>
  new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

export interface WorldOptions {
  seed: number;
  /** Roughly how many labelled items of each kind. */
  size: number;
  sessions: number;
}

export function generateWorld(opts: WorldOptions): World {
  const r = rng(opts.seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const n = opts.size;
  let uid = 0;
  const subject = () => `${pick(SERVICES)}-${pick(NOUNS)}-${(++uid).toString(36)}`;
  const days = Math.max(10, Math.ceil(n / 2));
  const daily: string[][] = Array.from({ length: days }, () => []);
  const topic: string[] = [];
  const bank: string[] = [];
  const labels: Labels = {
    dupGroups: [],
    hardNegatives: [],
    swapNegatives: [],
    slots: [],
    relativeDates: [],
    patterns: [],
    decoys: [],
    singletons: [],
    todos: [],
    twoFacts: [],
    corrections: [],
    switches: [],
  };
  // Where each labelled instance lands; path and line are filled in once the files are rendered.
  const put = (file: "topic" | "bank" | number, text: string): Instance => {
    const list = file === "topic" ? topic : file === "bank" ? bank : (daily[file] as string[]);
    list.push(text);
    const path =
      file === "topic"
        ? "services.md"
        : file === "bank"
          ? "memory-bank/systemPatterns.md"
          : `notes/${day(file)}.md`;
    // Header lines before the first entry: frontmatter + title (topic), title + section (bank), title (daily).
    const offset = file === "topic" ? 9 : file === "bank" ? 5 : 3;
    return { path, line: list.length - 1 + offset, text };
  };

  for (let i = 0; i < 2 * n; i++) {
    const s = subject();
    const text = `- The ${s} retries failed jobs ${2 + (i % 5)} times before paging ${pick(PEOPLE)}.`;
    put(pick(["topic", "bank", Math.floor(r() * days)] as const), text);
    labels.singletons.push(text);
  }
  for (let i = 0; i < Math.ceil(n / 3); i++) {
    const s = subject();
    const base = `The ${s} exports its nightly report to the shared finance bucket`;
    const kind = pick(["exact", "normalized", "near", "contained", "paraphrase"] as const);
    const a = `- ${base}.`;
    const b =
      kind === "exact"
        ? a
        : kind === "normalized"
          ? `- **${base.toLowerCase()}**`
          : kind === "near"
            ? `- The ${s} exports its nightly report to the team finance bucket.`
            : kind === "contained"
              ? `- The ${s} exports its nightly report.`
              : // Same fact, different words: needs meaning, not word overlap.
                `- Every night ${s} ships the report it produces into the accounting team's storage.`;
    const keep = a;
    labels.dupGroups.push({
      kind,
      members: [put("topic", a), put(Math.floor(r() * days), b)],
      keep,
    });
  }
  for (let i = 0; i < Math.ceil(n / 4); i++) {
    const s = subject();
    const v = 10 + Math.floor(r() * 80);
    const [a, b] =
      i % 3 === 0
        ? [
            `- The ${s} keeps ${v} days of audit logs in cold storage.`,
            `- The ${s} keeps ${v + 1} days of audit logs in cold storage.`,
          ]
        : i % 3 === 1
          ? [
              `- The ${s} pins runtime version 1.${v}.0 in production builds.`,
              `- The ${s} pins runtime version 1.${v}.1 in production builds.`,
            ]
          : [
              `- The ${s} tracks incident INC-${v * 7} in the postmortem doc.`,
              `- The ${s} tracks incident INC-${v * 7 + 1} in the postmortem doc.`,
            ];
    labels.hardNegatives.push([put("topic", a), put("bank", b)]);
  }
  for (let i = 0; i < Math.ceil(n / 4); i++) {
    const s = subject();
    const [template, one, other] = SWAPS[i % SWAPS.length] as (typeof SWAPS)[number];
    const text = (w: string) => `- ${template.replace("{s}", s).replace("{w}", w)}`;
    labels.swapNegatives.push([put("topic", text(one)), put(Math.floor(r() * days), text(other))]);
  }
  for (let i = 0; i < Math.ceil(n / 4); i++) {
    const s = subject();
    const [attr, values] = pick(ATTRS);
    const history = [...values].sort(() => r() - 0.5).slice(0, 2 + Math.floor(r() * 2));
    const when = history.map((_, k) => Math.min(days - 1, Math.floor((k + r()) * (days / history.length))));
    const texts = history.map((v) => `- The ${attr} for ${s} is ${v}.`);
    // Out-of-order writes: written to daily notes by date, listed in whatever order the files sort.
    texts.forEach((t, k) => {
      put(when[k] ?? 0, t);
    });
    const last = texts.length - 1;
    const latestDay = Math.max(...when);
    if (when.filter((w) => w === latestDay).length > 1) continue; // no clear latest: not labelled
    const current = texts[when.indexOf(latestDay)] ?? texts[last] ?? "";
    labels.slots.push({
      subject: `${attr} for ${s}`,
      current,
      superseded: texts.filter((t) => t !== current),
    });
  }
  for (let i = 0; i < Math.ceil(n / 4); i++) {
    const d = 3 + Math.floor(r() * (days - 3));
    const s = subject();
    const kind = i % 3;
    const ref = day(d);
    const phrase =
      kind === 0
        ? "yesterday"
        : kind === 1
          ? "3 days ago"
          : `last ${WEEKDAYS[new Date(`${ref}T00:00:00Z`).getUTCDay()] === "monday" ? "friday" : "monday"}`;
    const target =
      kind === 0
        ? addDays(ref, -1)
        : kind === 1
          ? addDays(ref, -3)
          : (() => {
              const want = phrase.endsWith("friday") ? 5 : 1;
              const today = new Date(`${ref}T00:00:00Z`).getUTCDay();
              return addDays(ref, -(((today - want + 6) % 7) + 1));
            })();
    const original = `- Rolled back the ${s} ${phrase} after the error budget alert.`;
    put(d, original);
    labels.relativeDates.push({
      original,
      expected: `- Rolled back the ${s} on ${target} after the error budget alert.`,
    });
  }

  const said: string[][] = Array.from({ length: opts.sessions }, () => []);
  const lastSessionDay = Math.min(days - 1, opts.sessions - 1);
  for (let i = 0; i < Math.ceil(n / 6); i++) {
    const s = subject();
    const d = Math.floor(r() * Math.max(1, lastSessionDay));
    const text = `- [ ] Rotate the ${s} signing keys before the audit`;
    put(d, text);
    const closed = i % 2 === 0;
    if (closed) {
      const si = d + 1 + Math.floor(r() * Math.max(1, lastSessionDay - d));
      said[Math.min(si, opts.sessions - 1)]?.push(`The ${s} signing keys are rotated, that TODO is done.`);
    }
    labels.todos.push({ text, closed });
  }
  // Facts about something a later session says was removed, in a day's record: that day they were true,
  // so they stay (the rule prunes only a note about how things are now, shown older than the session).
  for (let i = 0; i < Math.ceil(n / 10); i++) {
    const s = subject();
    const d = Math.floor(r() * Math.max(1, lastSessionDay - 1));
    const facts = [
      `- The ${s} runs nightly and writes to the reporting replica.`,
      `- The ${s} alerts go to the on-call rotation.`,
    ];
    for (const f of facts) {
      put(d, f);
      labels.todos.push({ text: f, closed: false });
    }
    const si = Math.min(opts.sessions - 1, d + 1 + Math.floor(r() * Math.max(1, lastSessionDay - d - 1)));
    said[si]?.push(`Heads up: the ${s} was decommissioned.`);
  }
  // Deadlines: half long past at the dream's date (2026-06-01), half still ahead. Both kinds stay: a
  // passed due date does not say the renewal was done (issue 13's fourth audit found such prunes wrong);
  // the passed ones are listed for review instead.
  for (let i = 0; i < Math.ceil(n / 8); i++) {
    const s = subject();
    const past = i % 2 === 0;
    const text = `- The ${s} certificate renewal is due on ${past ? "2026-02-10" : "2026-09-10"}.`;
    put(Math.floor(r() * days), text);
    labels.todos.push({ text, closed: false });
  }
  // Two facts alike in words (issue 13). A generator of its own, so every figure above keeps its world.
  const r2 = rng(opts.seed + 7919);
  const pick2 = <T>(xs: readonly T[]): T => xs[Math.floor(r2() * xs.length)] as T;
  const subject2 = () => `${pick2(SERVICES)}-${pick2(NOUNS)}-${(++uid).toString(36)}`;
  const QUEUES = ["orders", "refunds", "invoices", "payouts", "audits", "exports"];
  for (let i = 0; i < Math.ceil(n / 8); i++) {
    const kind = (["subject", "role", "clause"] as const)[i % 3] ?? "subject";
    const s = subject2();
    const qa = pick2(QUEUES);
    const qb = pick2(QUEUES.filter((q) => q !== qa));
    const [a, b] =
      kind === "subject"
        ? [
            `- The ${s} exports its weekly ledger summary to the shared reporting bucket.`,
            `- The ${subject2()} exports its weekly ledger summary to the shared reporting bucket.`,
          ]
        : kind === "role"
          ? [
              `- The ${s} reads from the ${qa} queue and writes to the ${qb} queue.`,
              `- The ${s} reads from the ${qb} queue and writes to the ${qa} queue.`,
            ]
          : [
              `- The ${s} retries failed webhook deliveries every hour.`,
              `- The ${s} retries failed webhook deliveries every hour only for paying customers.`,
            ];
    labels.twoFacts.push({ kind, pair: [put("topic", a), put(Math.floor(r2() * days), b)] });
  }
  const memory: Record<string, string> = {};
  // Corrections stated in sessions (issue 16), after this world's other items, with a generator of their
  // own, so every figure above keeps its world.
  const r3 = rng(opts.seed + 104_729);
  const pick3 = <T>(xs: readonly T[]): T => xs[Math.floor(r3() * xs.length)] as T;
  for (let i = 0; i < Math.ceil(n / 12) && lastSessionDay >= 4; i++) {
    const s = `${pick3(SERVICES)}-bundler-c${i.toString(36)}`;
    const d = 2 + Math.floor(r3() * (lastSessionDay - 3));
    const entry = `- The ${s} builds its release bundle with npm and webpack.`;
    put(d, entry);
    const after = i % 2 === 0;
    const si = after ? d + 1 + Math.floor(r3() * (lastSessionDay - d)) : Math.floor(r3() * (d - 1));
    const sentence = `No, we use pnpm for the ${s} release bundle now.`;
    said[si]?.push(sentence);
    labels.corrections.push({ entry, sentence, after });
  }
  // Switches naming both sides (issue 16), with a generator of their own for the same reason.
  const r4 = rng(opts.seed + 130_363);
  const pick4 = <T>(xs: readonly T[]): T => xs[Math.floor(r4() * xs.length)] as T;
  for (let i = 0; i < Math.ceil(n / 24) && lastSessionDay >= 4; i++) {
    const id = i.toString(36);
    // A sentence, not "Label: value": one field line makes a day's list read as a record (plan.ts).
    const label = `- The ${pick4(SERVICES)}-relay-s${id} message broker is`;
    const d = 2 + Math.floor(r4() * (lastSessionDay - 3));
    const entry = `${label} kestrel-s${id}.`;
    put(d, entry);
    const after = i % 2 === 0;
    const si = after ? d + 1 + Math.floor(r4() * (lastSessionDay - d)) : Math.floor(r4() * (d - 1));
    const sentence = `We switched from kestrel-s${id} to redpanda-s${id}.`;
    said[si]?.push(sentence);
    labels.switches.push({ entry, becomes: `${label} redpanda-s${id}.`, sentence, after });
  }
  const topicLines = [
    "---",
    "name: Services",
    "description: what each service does",
    "type: project",
    "---",
    "",
    "# Services",
    "",
    ...topic,
  ];
  memory["MEMORY.md"] =
    "# Memory Index\n\n- [Services](services.md) — what each service does\n- [Memory bank](memory-bank/systemPatterns.md) — system patterns\n";
  memory["services.md"] = `${topicLines.join("\n")}\n`;
  memory["memory-bank/systemPatterns.md"] = `# System Patterns\n\n## Operations\n\n${bank.join("\n")}\n`;
  daily.forEach((entries, i) => {
    if (entries.length) memory[`notes/${day(i)}.md`] = `# ${day(i)}\n\n${entries.join("\n")}\n`;
  });
  const sessions: Record<string, string> = {};
  INSTRUCTIONS.forEach((instr, k) => {
    const times = k % 2 === 0 ? 3 + (k % 3) : 1 + (k % 2);
    const chosen = new Set<number>();
    while (chosen.size < Math.min(times, opts.sessions)) chosen.add(Math.floor(r() * opts.sessions));
    for (const si of chosen) said[si]?.push(`Please ${instr}.`);
    (times >= 3 ? labels.patterns : labels.decoys).push({ key: instr, sessions: chosen.size });
  });
  said.forEach((lines, i) => {
    const ts = `${day(Math.min(days - 1, i))}T10:00:00.000Z`;
    const turns = [`Working on task ${i}.`, ...lines].map((text) => ({ role: "user", content: text }));
    const withReplies = turns.flatMap((t) => [t, { role: "assistant", content: "Understood." }]);
    if (i % 2 === 0) {
      sessions[`s${String(i).padStart(3, "0")}.jsonl`] = `${withReplies
        .map((m, j) =>
          JSON.stringify({ type: m.role, sessionId: `s${i}`, timestamp: ts, uuid: `${i}-${j}`, message: m }),
        )
        .join("\n")}\n`;
    } else {
      sessions[`s${String(i).padStart(3, "0")}.json`] = JSON.stringify({
        id: `s${i}`,
        created_at: ts,
        messages: withReplies,
      });
    }
  });
  return { memory, sessions, labels };
}
