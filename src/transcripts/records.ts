import { CLAIMS, type Message, type ParsedSession, type Role, TranscriptError } from "./session.ts";

/** How much of a file the sniffs see: enough for the first records of every format, cheap to read. */
export const SNIFF_BYTES = 64 * 1024;

export type Obj = Record<string, unknown>;

export const isObj = (v: unknown): v is Obj => !!v && typeof v === "object" && !Array.isArray(v);

/**
 * The JSON objects of the first lines of a JSONL head. The last line of the head may be cut (the head
 * is a prefix of the file), so it is not held against the file.
 */
export function headObjects(head: string, max = 50): { objects: Obj[]; bad: number } {
  const lines = head.split("\n");
  const cut = head.length >= SNIFF_BYTES || !head.endsWith("\n");
  const objects: Obj[] = [];
  let bad = 0;
  for (let i = 0; i < lines.length && objects.length + bad < max; i++) {
    const line = lines[i]?.trim();
    if (!line) continue;
    try {
      const v: unknown = JSON.parse(line);
      if (isObj(v)) objects.push(v);
      else bad++;
    } catch {
      if (!(cut && i === lines.length - 1)) bad++;
    }
  }
  return { objects, bad };
}

/** A JSONL head: at least one object and more objects than broken lines. */
export const isJsonlHead = (h: { objects: Obj[]; bad: number }) =>
  h.objects.length > 0 && h.objects.length > h.bad;

/** The head parsed as one JSON value, or undefined when it is not (yet) one: cut, or not JSON. */
export function headJson(head: string): unknown {
  try {
    return JSON.parse(head);
  } catch {
    return undefined;
  }
}

/** Starts like a JSON document (object or array), whatever follows. */
export const looksJson = (head: string) => /^\s*(\{\s*("|\})|\[\s*[[{"\d\-\]tfn])/.test(head);

export interface JsonlLine {
  line: number;
  obj: Obj;
}

/** Every line of a JSONL file: its objects, and a warning for each line that is not one. */
export function readJsonl(text: string): { lines: JsonlLine[]; warnings: string[]; count: number } {
  const lines: JsonlLine[] = [];
  const warnings: string[] = [];
  let count = 0;
  text.split("\n").forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    count++;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch {
      warnings.push(`line ${i + 1}: invalid JSON`);
      return;
    }
    if (!isObj(v)) warnings.push(`line ${i + 1}: not a JSON object`);
    else lines.push({ line: i + 1, obj: v });
  });
  return { lines, warnings, count };
}

/** The whole file as JSON, or a TranscriptError saying why not. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new TranscriptError(`invalid JSON: ${(cause as Error).message}`, { cause });
  }
}

/** Collects messages, numbering them and dropping empty ones. */
export class MessageList {
  readonly messages: Message[] = [];
  add(role: Role, text: string | null | undefined, timestamp: string | null = null): void {
    const t = text?.trim();
    if (t) this.messages.push({ index: this.messages.length, role, text: t, timestamp });
  }
}

/**
 * The session once a format has read every record: an error when no user or assistant message is left,
 * naming the first problem if there was one.
 */
export function finish(
  list: MessageList,
  rest: Omit<ParsedSession, "messages" | "startedAt"> & { startedAt?: string | null },
): ParsedSession {
  const talk = list.messages.some((m) => m.role === "user" || m.role === "assistant");
  if (!talk) {
    throw new TranscriptError(
      rest.warnings.length ? `no usable messages (${rest.warnings[0]})` : "no user or assistant messages",
    );
  }
  const startedAt = rest.startedAt ?? list.messages.find((m) => m.timestamp)?.timestamp ?? null;
  return { ...rest, startedAt, messages: list.messages };
}

/** A tool call as one short line: its name and the start of its arguments. */
export function toolCall(name: unknown, args: unknown): string {
  const a = typeof args === "string" ? args : args === undefined ? "" : JSON.stringify(args);
  return `${typeof name === "string" ? name : "tool"}(${a.length > 300 ? `${a.slice(0, 300)}…` : a})`;
}

/** Text of a tool result, whatever its shape: a string, text blocks, or anything else as JSON. */
export function anyText(v: unknown): string {
  if (typeof v === "string") return v;
  if (Array.isArray(v)) return v.map(anyText).filter(Boolean).join("\n");
  if (isObj(v)) {
    if (typeof v.text === "string") return v.text;
    if ("content" in v) return anyText(v.content);
    if ("output" in v) return anyText(v.output);
  }
  return v === undefined || v === null ? "" : JSON.stringify(v);
}

export const claims = (yes: boolean, related = false) => (yes ? CLAIMS : related ? 0.5 : 0);
