// A stand-in agent for the compose demo: each "session" it writes what agents really write — a daily
// note with duplicates, a contradiction and relative dates — and a Claude Code style transcript, then
// sleeps. No dependencies; configured by env. Writes to /memory and /sessions (AGENT_MEMORY_DIR, …).
import { appendFile, mkdir, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";

// AGENT_UMASK=002: group-writable notes, so a dreamd sharing the group may apply to them.
if (process.env.AGENT_UMASK) process.umask(Number.parseInt(process.env.AGENT_UMASK, 8));
const memory = process.env.AGENT_MEMORY_DIR ?? "/memory";
const sessions = process.env.AGENT_SESSIONS_DIR ?? "/sessions";
const total = Number(process.env.AGENT_SESSIONS ?? "20");
const interval = Number(process.env.AGENT_INTERVAL_SECONDS ?? "30") * 1000;
const start = Date.parse(process.env.AGENT_START_DATE ?? "2026-03-02T09:00:00Z");
const DAY = 86_400_000;

const facts = [
  "Run tests with `pnpm test --filter billing`, never plain `npm test`.",
  "Prefers small PRs (< 300 lines) with a short summary and a test plan.",
  "Use early returns instead of nested ifs.",
];
const regions = ["eu-west-1", "eu-west-1", "us-east-1"];

async function atomicWrite(path, text) {
  await writeFile(`${path}.tmp`, text);
  await rename(`${path}.tmp`, path);
}

async function session(n) {
  const now = new Date(start + n * DAY);
  const day = now.toISOString().slice(0, 10);
  const id = `${day}-s${String(n).padStart(3, "0")}`;
  await mkdir(join(memory, "notes"), { recursive: true });
  const note = join(memory, "notes", `${day}.md`);
  const lines = [
    `# ${day}`,
    "",
    `- ${facts[n % facts.length]}`,
    `- Deploy region is ${regions[Math.min(n, regions.length - 1)]}.`,
    `- Deployed build ${100 + n} to staging yesterday.`,
    n % 2 ? "- The on-call rotation changes next Monday." : "- Met with Dana last Tuesday about invoices.",
    "",
  ];
  await atomicWrite(note, lines.join("\n"));
  if (n === 0) {
    await atomicWrite(
      join(memory, "MEMORY.md"),
      "# Memory Index\n\n- [Preferences](preferences.md) — how the user likes to work\n- Daily notes live in `notes/`.\n",
    );
    await atomicWrite(join(memory, "preferences.md"), `# Preferences\n\n${facts.map((f) => `- ${f}`).join("\n")}\n`);
  } else {
    await appendFile(join(memory, "preferences.md"), `- ${facts[n % facts.length]}\n`);
  }
  const turns = [
    { type: "user", text: `Session ${n}: please ${facts[n % facts.length].toLowerCase()}` },
    { type: "assistant", text: "Understood; noted in memory." },
  ];
  const jsonl = turns
    .map((t, i) =>
      JSON.stringify({
        type: t.type,
        sessionId: id,
        timestamp: new Date(now.getTime() + i * 1000).toISOString(),
        message: { role: t.type, content: t.text },
      }),
    )
    .join("\n");
  await mkdir(sessions, { recursive: true });
  await atomicWrite(join(sessions, `${id}.jsonl`), `${jsonl}\n`);
  console.log(JSON.stringify({ agent: "session done", n, id }));
}

for (let n = 0; total <= 0 || n < total; n++) {
  await session(n);
  await new Promise((r) => setTimeout(r, interval));
}
console.log(JSON.stringify({ agent: "done", sessions: total }));
// Stay up (a sidecar's agent usually does), so compose does not restart or stop the demo.
setInterval(() => {}, 1 << 30);
