import { readFileSync } from "node:fs";
import { z } from "zod";
import { ConfigError } from "./errors.ts";

/**
 * One schema for every setting. Each field has a default, an env name (DREAMD_*), a CLI flag and a
 * one-line description; the README's config table is generated from `configFields`.
 */
interface FieldSpec<T extends z.ZodType> {
  env: string;
  flag: string;
  description: string;
  schema: T;
  /** Read from `${env}_FILE` too (Kubernetes/compose secrets). Never shown in logs. */
  secret?: boolean;
}

/** `model=input,output,cache-read,cache-write;…`: split, not one regex (the nested repetition was quadratic). */
function isPriceTable(table: string): boolean {
  const rows = table.trim().replace(/;$/, "").split(";");
  return rows.every((row) => {
    const [name, nums, extra] = row.split("=");
    const prices = (nums ?? "").split(",").map((n) => n.trim());
    return (
      extra === undefined &&
      /^[\w.*-]+$/.test((name ?? "").trim()) &&
      prices.length === 4 &&
      prices.every((n) => /^[\d.]+$/.test(n))
    );
  });
}

/** Comma-separated host names (`*.suffix` allowed) or bracketed IPv6 addresses; split, not one nested regex. */
function isHostList(list: string): boolean {
  const names = list
    .trim()
    .replace(/,$/, "")
    .split(",")
    .map((n) => n.trim());
  return names.every((n, i) =>
    n === "" ? names.length === 1 && i === 0 : /^(?:(?:\*\.)?[\w.-]+|\[[\da-fA-F:.]+\])$/.test(n),
  );
}

function field<T extends z.ZodType>(spec: FieldSpec<T>): FieldSpec<T> {
  return spec;
}

const positiveInt = (min: number) =>
  z.coerce
    .number({ error: "must be a number" })
    .int({ error: "must be a whole number" })
    .min(min, { error: `must be ≥ ${min}` });

const nonNegative = z.coerce.number({ error: "must be a number" }).min(0, { error: "must be ≥ 0" });

export const configFields = {
  memoryDir: field({
    env: "DREAMD_MEMORY_DIR",
    flag: "memory",
    description: "The agent's memory directory (read only; never written).",
    schema: z.string().min(1, { error: "must not be empty" }).default("/memory"),
  }),
  sessionsDir: field({
    env: "DREAMD_SESSIONS_DIR",
    flag: "sessions",
    description:
      "Directory of session transcripts, any of the formats in the contract table, detected by content (every file but dreamd's own is read).",
    schema: z.string().default("/sessions"),
  }),
  proposalsDir: field({
    env: "DREAMD_PROPOSALS_DIR",
    flag: "out",
    description: "Where proposals, state and (by default) snapshots are written.",
    schema: z.string().min(1, { error: "must not be empty" }).default("/proposals"),
  }),
  snapshotsDir: field({
    env: "DREAMD_SNAPSHOTS_DIR",
    flag: "snapshots",
    description: "Where pre-dream snapshots go; empty means <proposals>/snapshots.",
    schema: z.string().default(""),
  }),
  engine: field({
    env: "DREAMD_ENGINE",
    flag: "engine",
    description:
      "Consolidation engine: auto (claude when an API key is set, else offline), offline or claude.",
    schema: z
      .enum(["auto", "offline", "claude"], { error: "must be one of auto, offline, claude" })
      .default("auto"),
  }),
  anthropicApiKey: field({
    env: "DREAMD_ANTHROPIC_API_KEY",
    flag: "anthropic-api-key",
    description: "Anthropic API key for the claude engine (or DREAMD_ANTHROPIC_API_KEY_FILE).",
    schema: z.string().default(""),
    secret: true,
  }),
  model: field({
    env: "DREAMD_MODEL",
    flag: "model",
    description: "Claude model for the claude engine.",
    // The newest Sonnet the installed SDK lists (claude-sonnet-4-5 reached end of life on 2026-11-30).
    schema: z.string().min(1, { error: "must not be empty" }).default("claude-sonnet-5-5"),
  }),
  anthropicBaseUrl: field({
    env: "DREAMD_ANTHROPIC_BASE_URL",
    flag: "anthropic-base-url",
    description: "Messages API base URL; empty means Anthropic's (set it for a proxy or gateway).",
    schema: z.string().default(""),
  }),
  maxInputTokens: field({
    env: "DREAMD_MAX_INPUT_TOKENS",
    flag: "max-input-tokens",
    description: "Per-dream input token budget; clusters beyond it get the offline decision.",
    schema: positiveInt(1).default(500_000),
  }),
  maxOutputTokens: field({
    env: "DREAMD_MAX_OUTPUT_TOKENS",
    flag: "max-output-tokens",
    description: "Per-dream output token budget.",
    schema: positiveInt(1).default(50_000),
  }),
  modelTimeoutSeconds: field({
    env: "DREAMD_MODEL_TIMEOUT_SECONDS",
    flag: "model-timeout-seconds",
    description: "Timeout of one Messages API call (retries on 429/529/5xx come on top).",
    schema: z.coerce.number({ error: "must be a number" }).min(1, { error: "must be ≥ 1" }).default(120),
  }),
  modelMaxRetries: field({
    env: "DREAMD_MODEL_MAX_RETRIES",
    flag: "model-max-retries",
    description: "Retries per Messages API call on 429/529/5xx and timeouts (honouring retry-after).",
    schema: z.coerce
      .number({ error: "must be a number" })
      .int({ error: "must be a whole number" })
      .min(0, { error: "must be ≥ 0" })
      .default(4),
  }),
  modelPrices: field({
    env: "DREAMD_MODEL_PRICES",
    flag: "model-prices",
    description:
      "Price table for the cost estimate, USD per million tokens: model=input,output,cache-read,cache-write;…",
    schema: z
      .string()
      .refine(isPriceTable, {
        error: "must be model=input,output,cache-read,cache-write entries separated by ;",
      })
      // Anthropic's published prices (platform.claude.com/docs/en/about-claude/pricing, read 2026-12-03;
      // Sonnet 5.5 cache reads $0.10 since 2026-10-07 per its migration guide); cache-write is the 5-minute
      // write, 1.25x input.
      .default("claude-sonnet-5-5=2,10,0.1,2.5;claude-opus-5-5=4,20,0.2,5;claude-haiku-4-5=1,5,0.1,1.25"),
  }),
  apiHost: field({
    env: "DREAMD_API_HOST",
    flag: "host",
    description: "Address the API listens on (0.0.0.0 to publish it from a container).",
    schema: z.string().min(1, { error: "must not be empty" }).default("127.0.0.1"),
  }),
  apiPort: field({
    env: "DREAMD_API_PORT",
    flag: "port",
    description: "Port the API listens on.",
    schema: z.coerce
      .number({ error: "must be a number" })
      .int({ error: "must be a whole number" })
      .min(0, { error: "must be between 0 and 65535" })
      .max(65535, { error: "must be between 0 and 65535" })
      .default(8787),
  }),
  apiToken: field({
    env: "DREAMD_API_TOKEN",
    flag: "token",
    description:
      "API token (bearer header or dreamd_token cookie) for routes that show memory or change state; empty generates one into <proposals>/.dreamd/api-token.",
    schema: z.string().default(""),
    secret: true,
  }),
  allowedHosts: field({
    env: "DREAMD_ALLOWED_HOSTS",
    flag: "allowed-hosts",
    description:
      "Host names the API answers besides localhost, 127.0.0.1, [::1] and DREAMD_API_HOST (comma-separated, `*.suffix` allowed); others get 421.",
    schema: z
      .string()
      .refine(isHostList, { error: "must be host names separated by commas (a name may start with *.)" })
      .default(""),
  }),
  maxBodyBytes: field({
    env: "DREAMD_MAX_BODY_BYTES",
    flag: "max-body-bytes",
    description: "Largest HTTP request body accepted; larger ones get 413.",
    schema: positiveInt(1).default(65_536),
  }),
  maxEventStreams: field({
    env: "DREAMD_MAX_EVENT_STREAMS",
    flag: "max-event-streams",
    description: "Most /events streams open at once; past it a client gets 429 with Retry-After.",
    schema: positiveInt(1).default(16),
  }),
  minHours: field({
    env: "DREAMD_MIN_HOURS",
    flag: "min-hours",
    description: "Time gate: hours since the last successful dream.",
    schema: nonNegative.default(24),
  }),
  minSessions: field({
    env: "DREAMD_MIN_SESSIONS",
    flag: "min-sessions",
    description: "Session gate: new transcripts since the last successful dream.",
    schema: positiveInt(1).default(5),
  }),
  triggerMode: field({
    env: "DREAMD_TRIGGER_MODE",
    flag: "trigger-mode",
    description: "How the gates combine: any (either gate) or all (both gates).",
    schema: z.enum(["any", "all"], { error: "must be one of any, all" }).default("any"),
  }),
  maxSessions: field({
    env: "DREAMD_MAX_SESSIONS",
    flag: "max-sessions",
    description:
      "Most transcripts read per dream: those pending proposals read, again, then unread ones oldest first; half the places are kept for unread ones.",
    schema: positiveInt(1).max(100_000, { error: "must be ≤ 100000" }).default(100),
  }),
  maxFileBytes: field({
    env: "DREAMD_MAX_FILE_BYTES",
    flag: "max-file-bytes",
    description: "Memory files larger than this are skipped and reported (copied unchanged).",
    schema: positiveInt(1).default(1_048_576),
  }),
  maxTranscriptBytes: field({
    env: "DREAMD_MAX_TRANSCRIPT_BYTES",
    flag: "max-transcript-bytes",
    description: "Transcripts larger than this are skipped and reported.",
    schema: positiveInt(1).default(33_554_432),
  }),
  deletionBudget: field({
    env: "DREAMD_DELETION_BUDGET",
    flag: "deletion-budget",
    description:
      "Largest share of entries one dream may remove (0–1); a dream over it removes nothing and says so.",
    schema: z.coerce
      .number({ error: "must be a number" })
      .min(0, { error: "must be between 0 and 1" })
      .max(1, { error: "must be between 0 and 1" })
      .default(0.25),
  }),
  maxOperations: field({
    env: "DREAMD_MAX_OPERATIONS",
    flag: "max-operations",
    description:
      "Most operations one dream proposes, the most valuable first; the rest are reported as deferred.",
    schema: positiveInt(1).default(200),
  }),
  autonomy: field({
    env: "DREAMD_AUTONOMY",
    flag: "autonomy",
    description:
      "What applies without approval after a dream: review (nothing), auto-safe (operations code proved certain), auto (certain and likely).",
    schema: z
      .enum(["review", "auto-safe", "auto"], { error: "must be one of review, auto-safe, auto" })
      .default("review"),
  }),
  applyGraceSeconds: field({
    env: "DREAMD_APPLY_GRACE_SECONDS",
    flag: "apply-grace-seconds",
    description:
      "After an apply's last rename, how long replaced files are watched for an agent still writing to them through an open descriptor (its writes are carried over).",
    schema: positiveInt(0).default(2),
  }),
  keepDreams: field({
    env: "DREAMD_KEEP_DREAMS",
    flag: "keep-dreams",
    description:
      "Proposals kept (with their snapshots), newest first, and as many rollback points; pending ones and the newest rollback point are never removed.",
    schema: positiveInt(1).default(30),
  }),
  keepDays: field({
    env: "DREAMD_KEEP_DAYS",
    flag: "keep-days",
    description:
      "Proposals and rollback points older than this many days are removed (0: no age limit), the same ones excepted.",
    schema: positiveInt(0).default(30),
  }),
  schedule: field({
    env: "DREAMD_SCHEDULE",
    flag: "schedule",
    description: "serve: start dreams by themselves when the gates are met (on) or only on request (off).",
    schema: z.enum(["on", "off"], { error: "must be one of on, off" }).default("on"),
  }),
  quietSeconds: field({
    env: "DREAMD_QUIET_SECONDS",
    flag: "quiet-seconds",
    description: "Wait until no memory file has changed for this long, so a snapshot never catches a write.",
    schema: nonNegative.default(60),
  }),
  checkIntervalSeconds: field({
    env: "DREAMD_CHECK_INTERVAL_SECONDS",
    flag: "check-interval-seconds",
    description: "How often the gates are re-checked (file changes also trigger a check).",
    schema: z.coerce.number({ error: "must be a number" }).min(0.1, { error: "must be ≥ 0.1" }).default(60),
  }),
  maxDreamsPerHour: field({
    env: "DREAMD_MAX_DREAMS_PER_HOUR",
    flag: "max-dreams-per-hour",
    description: "Circuit breaker: automatic dreams started in any hour, at most.",
    schema: positiveInt(1).default(4),
  }),
  backoffSeconds: field({
    env: "DREAMD_BACKOFF_SECONDS",
    flag: "backoff-seconds",
    description:
      "After n consecutive failures, wait backoff × 2^(n-1) (at most 6 h) before the next automatic dream.",
    schema: nonNegative.default(300),
  }),
  lockStaleSeconds: field({
    env: "DREAMD_LOCK_STALE_SECONDS",
    flag: "lock-stale-seconds",
    description: "A dream lock whose heartbeat is older than this is taken over (its holder died).",
    schema: z.coerce.number({ error: "must be a number" }).min(1, { error: "must be ≥ 1" }).default(60),
  }),
  holderId: field({
    env: "DREAMD_HOLDER_ID",
    flag: "holder-id",
    description: "This instance's name in the lock; empty means hostname-pid-random.",
    schema: z.string().default(""),
  }),
  dockerAgentLabel: field({
    env: "DREAMD_DOCKER_AGENT_LABEL",
    flag: "docker-agent-label",
    description:
      "With a Docker socket mounted: each `die` of a container with this label counts as a session.",
    schema: z.string().default(""),
  }),
  dockerPauseAgent: field({
    env: "DREAMD_DOCKER_PAUSE_AGENT",
    flag: "docker-pause-agent",
    description:
      "on: pause the labelled agent containers while the memory is snapshotted (point-in-time copy) and while an apply, revert or rollback of the sidecar writes it.",
    schema: z.enum(["on", "off"], { error: "must be one of on, off" }).default("off"),
  }),
  dockerSocket: field({
    env: "DREAMD_DOCKER_SOCKET",
    flag: "docker-socket",
    description: "Docker socket used for DREAMD_DOCKER_AGENT_LABEL.",
    schema: z.string().default("/var/run/docker.sock"),
  }),
  instructions: field({
    env: "DREAMD_INSTRUCTIONS",
    flag: "instructions",
    description:
      "Owner's instructions steering every dream (≤ 4096 characters; POST /dreams may give others); `focus: <glob>…` / `leave: <glob>…` lines limit which memory paths may change, enforced by code.",
    schema: z.string().max(4096, { error: "must be at most 4096 characters" }).default(""),
  }),
  logLevel: field({
    env: "DREAMD_LOG_LEVEL",
    flag: "log-level",
    description: "Log verbosity: debug, info, warn or error.",
    schema: z
      .enum(["debug", "info", "warn", "error"], { error: "must be one of debug, info, warn, error" })
      .default("info"),
  }),
};

type Fields = typeof configFields;
export type Config = { [K in keyof Fields]: z.output<Fields[K]["schema"]> };
export type ConfigKey = keyof Fields;

export const configSchema = z.object(
  Object.fromEntries(Object.entries(configFields).map(([k, f]) => [k, f.schema])) as {
    [K in keyof Fields]: Fields[K]["schema"];
  },
);

type Env = Record<string, string | undefined>;

export interface ConfigSources {
  env?: Env;
  /** Parsed CLI flags keyed by flag name (`memory`, `min-sessions`, …); they override env. */
  flags?: Record<string, string | undefined>;
  readFile?: (path: string) => string;
}

/** Resolve env, *_FILE secrets and CLI flags into a validated Config; throws ConfigError with fixed wording. */
export function loadConfig({ env = {}, flags = {}, readFile = readText }: ConfigSources = {}): Config {
  const raw: Record<string, unknown> = {};
  const fromFlag = new Set<string>();
  for (const [key, f] of Object.entries(configFields) as [ConfigKey, FieldSpec<z.ZodType>][]) {
    const fileVar = `${f.env}_FILE`;
    let value = flags[f.flag] ?? env[f.env];
    if (flags[f.flag] !== undefined) fromFlag.add(key);
    if (value === undefined && f.secret && env[fileVar]) {
      const path = env[fileVar];
      try {
        value = readFile(path).trim();
      } catch (cause) {
        throw new ConfigError(`invalid config: ${fileVar} cannot be read (${path})`, { cause });
      }
    }
    if (value !== undefined) raw[key] = value;
  }
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = issue?.path[0] as ConfigKey | undefined;
    // Name the setting the way the user gave it.
    const name = key ? (fromFlag.has(key) ? `--${configFields[key].flag}` : configFields[key].env) : "config";
    throw new ConfigError(`invalid config: ${name} ${issue?.message ?? "is invalid"}`);
  }
  return parsed.data as Config;
}

/** The snapshots dir actually used. */
export function snapshotsDirOf(cfg: Pick<Config, "snapshotsDir" | "proposalsDir">): string {
  return cfg.snapshotsDir || `${cfg.proposalsDir.replace(/(?<!\/)\/+$/, "")}/snapshots`;
}

function readText(path: string): string {
  return readFileSync(path, "utf8");
}

/** A Markdown table of every setting, for the README (kept in sync by a test). */
export function configTable(): string {
  const rows = Object.values(configFields).map((f) => {
    const parsed = f.schema.safeParse(undefined);
    const def = parsed.success ? JSON.stringify(parsed.data) : "";
    return `| \`${f.env}\` | \`--${f.flag}\` | \`${def}\` | ${f.description} |`;
  });
  return ["| env | flag | default | description |", "| --- | --- | --- | --- |", ...rows].join("\n");
}
