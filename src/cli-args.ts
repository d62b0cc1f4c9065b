import { configFields } from "./config.ts";
import { ConfigError } from "./errors.ts";

export interface ParsedArgs {
  command: string;
  flags: Record<string, string>;
  positionals: string[];
  help: boolean;
  /** dream --once: only if the gates are met (for init containers, Jobs and CI). */
  once: boolean;
  /** apply --all: accept every operation first. */
  all: boolean;
  /** rollback --dry-run / --force. */
  dryRun: boolean;
  force: boolean;
  /** review and apply: --accept, --reject, --by, --comment. */
  review: Record<string, string>;
}

const REVIEW_FLAGS = new Set(["accept", "reject", "by", "comment"]);

const VALUE_FLAGS = new Set([...Object.values(configFields).map((f) => f.flag), "now", ...REVIEW_FLAGS]);

/** `dreamd <command> [--flag value | --flag=value]… [positionals]`; unknown flags are an error. */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  const flags: Record<string, string> = {};
  const positionals: string[] = [];
  let help = false;
  let once = false;
  let all = false;
  let dryRun = false;
  let force = false;
  const review: Record<string, string> = {};
  let command = "";
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    if (arg === "--help" || arg === "-h") {
      help = true;
      continue;
    }
    if (arg === "--once") {
      once = true;
      continue;
    }
    if (arg === "--all") {
      all = true;
      continue;
    }
    if (arg === "--dry-run" || arg === "--force") {
      if (arg === "--force") force = true;
      else dryRun = true;
      continue;
    }
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      const name = arg.slice(2, eq === -1 ? undefined : eq);
      if (!VALUE_FLAGS.has(name)) throw new ConfigError(`unknown flag --${name} (see dreamd --help)`);
      const value = eq === -1 ? argv[++i] : arg.slice(eq + 1);
      if (value === undefined) throw new ConfigError(`flag --${name} needs a value`);
      if (REVIEW_FLAGS.has(name)) review[name] = value;
      else flags[name] = value;
      continue;
    }
    if (!command) command = arg;
    else positionals.push(arg);
  }
  return { command, flags, positionals, help, once, all, dryRun, force, review };
}

export function usage(): string {
  const rows = Object.values(configFields).map((f) => {
    const d = f.schema.safeParse(undefined);
    const def = d.success ? JSON.stringify(d.data) : "";
    return `  --${f.flag.padEnd(22)} ${f.env.padEnd(28)} ${f.description}${f.secret ? "" : ` (default ${def})`}`;
  });
  return [
    "dreamd — memory consolidation for AI agents; proposes, never overwrites.",
    "",
    "Usage:",
    "  dreamd dream --memory DIR [--sessions DIR] --out DIR [--engine offline|auto] [--now ISO]",
    "      run one dream; prints a summary and, last, the proposal path",
    "      --once: only when the gates are met and the memory is quiet (init containers, Jobs, CI)",
    "  dreamd serve            run the sidecar: API, status, review",
    "  dreamd review ID --accept op-001,op-004 --reject op-002 [--by NAME] [--comment TEXT]",
    "      record decisions on a proposal's operations (ids, comma-separated, or all); append-only",
    "  dreamd apply ID [--all | --accept op-001,…] --memory DIR --out DIR",
    "      apply the accepted operations to the live memory, after a rollback snapshot; conflicts are",
    "      reported by id with why, the rest apply; all files change together or none does",
    "  dreamd revert APPLY_ID [op-001 …] --memory DIR --out DIR",
    "      undo an apply, or some of its operations, keeping what the agent wrote since; undoable itself",
    "  dreamd rollback SNAPSHOT --memory DIR --out DIR [--dry-run] [--force]",
    "      restore memory to a snapshot (verified first); shows what changes, refuses to discard the",
    "      agent's writes since it without --force",
    "  dreamd verify SNAPSHOT  check a snapshot archive against its manifest",
    "  dreamd healthcheck      exit 0 when the local API answers /readyz with 200 (the image's HEALTHCHECK)",
    "",
    "Exit codes: 0 ok, 1 failure, 2 bad input or config.",
    "",
    "Flags (each also set by its env var; flags win):",
    ...rows,
    "  --now                  (dream only) the dream's logical time, ISO 8601",
    "",
  ].join("\n");
}
