// Every regular expression in src/ is checked for catastrophic backtracking (exponential or polynomial:
// one quadratic expression over a 200 KB note line once blocked the event loop for 20 s and got the pod
// killed by its liveness probe). Literals are found by parsing the source; expressions built with
// RegExp() must be module-level constants, so importing the module builds them and the check sees the
// real pattern, whatever string arithmetic produced it.
import { readdir, readFile } from "node:fs/promises";
import { stripTypeScriptTypes } from "node:module";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { type Node, parse } from "acorn";
import { checkSync } from "recheck";
import { describe, expect, it } from "vitest";

const SRC = new URL("../src/", import.meta.url).pathname;

interface Found {
  file: string;
  source: string;
  flags: string;
}

async function sourceFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const d of await readdir(dir, { withFileTypes: true })) {
    const abs = join(dir, d.name);
    if (d.isDirectory()) out.push(...(await sourceFiles(abs)));
    else if (d.name.endsWith(".ts") && !d.name.endsWith(".test.ts")) out.push(abs);
  }
  return out.sort();
}

type AnyNode = Node & Record<string, unknown>;

/** Regex literals, and RegExp() calls with whether each sits inside a function. */
function scan(code: string): {
  literals: { source: string; flags: string }[];
  calls: { inFunction: boolean; at: number }[];
} {
  const ast = parse(stripTypeScriptTypes(code), {
    ecmaVersion: "latest",
    sourceType: "module",
  }) as unknown as AnyNode;
  const literals: { source: string; flags: string }[] = [];
  const calls: { inFunction: boolean; at: number }[] = [];
  const visit = (node: AnyNode, inFunction: boolean) => {
    const regex = node.regex as { pattern: string; flags: string } | undefined;
    if (node.type === "Literal" && regex) literals.push({ source: regex.pattern, flags: regex.flags });
    if (
      (node.type === "NewExpression" || node.type === "CallExpression") &&
      (node.callee as AnyNode).name === "RegExp"
    ) {
      calls.push({ inFunction, at: node.start });
    }
    const fn = /Function|Method/.test(node.type);
    for (const value of Object.values(node)) {
      for (const child of Array.isArray(value) ? value : [value]) {
        if (child && typeof child === "object" && typeof (child as AnyNode).type === "string") {
          visit(child as AnyNode, inFunction || fn);
        }
      }
    }
  };
  visit(ast, false);
  return { literals, calls };
}

/** The expressions a module builds with RegExp() when it is imported. */
async function builtOnImport(file: string): Promise<{ source: string; flags: string }[]> {
  const built: { source: string; flags: string }[] = [];
  const Original = globalThis.RegExp;
  globalThis.RegExp = new Proxy(Original, {
    construct(target, args: [string | RegExp, string?]) {
      const re = new target(...args);
      built.push({ source: re.source, flags: re.flags });
      return re;
    },
    apply(target, _this, args: [string | RegExp, string?]) {
      const re = target(...args);
      built.push({ source: re.source, flags: re.flags });
      return re;
    },
  });
  try {
    await import(`${pathToFileURL(file).href}?redos=${Date.now()}`);
  } finally {
    globalThis.RegExp = Original;
  }
  return built;
}

function verdict(source: string, flags: string): string {
  // A fixed seed keeps the fuzzing checker's verdict the same run to run; the time limit is generous because
  // CI runs other suites beside this one, and a timeout ("unknown") counts as a failure.
  const r = checkSync(source, flags, { timeout: 60_000, randomSeed: 0 });
  return r.status === "vulnerable" ? `vulnerable (${r.complexity.summary})` : r.status;
}

describe("regular expressions in src/", () => {
  it("the checker catches the known-bad classes: exponential and quadratic", () => {
    expect(verdict("^(a+)+$", "")).toMatch(/^vulnerable/);
    // The protected-span expression that took 20 s on a 200 KB token (relative dates, before the fix).
    expect(
      verdict("(`[^`]*`|!?\\[[^\\]]*\\]\\([^)]*\\)|<[^>\\s]+>|[a-z][a-z0-9+.-]*:\\/\\/\\S+)", "gi"),
    ).toMatch(/^vulnerable/);
    expect(verdict("^[a-z]+:\\/\\/\\S+$", "i")).toBe("safe");
  });

  it("every one passes the ReDoS check, and none is built inside a function", async () => {
    const found: Found[] = [];
    const problems: string[] = [];
    for (const file of await sourceFiles(SRC)) {
      const code = await readFile(file, "utf8");
      const rel = relative(SRC, file);
      const { literals, calls } = scan(code);
      for (const l of literals) found.push({ file: rel, ...l });
      for (const c of calls.filter((c) => c.inFunction)) {
        problems.push(
          `${rel}@${c.at}: RegExp() inside a function; build it once at module level so it is checked`,
        );
      }
      if (calls.length) for (const b of await builtOnImport(file)) found.push({ file: rel, ...b });
    }
    expect(found.length).toBeGreaterThan(50);
    for (const f of found) {
      const v = verdict(f.source, f.flags);
      if (v !== "safe") problems.push(`${f.file}: /${f.source.slice(0, 120)}/${f.flags} is ${v}`);
    }
    expect(problems).toEqual([]);
  }, 300_000);
});
