import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { EXAMPLES, listening } from "./fixtures.ts";

export const CHROMIUM = process.env.DREAMD_CHROMIUM ?? "/usr/bin/chromium";
export const ARTIFACTS = new URL("../.cache/artifacts/", import.meta.url).pathname;
export const TOKEN = "browser-test-token";
const MAIN = new URL("../src/main.ts", import.meta.url).pathname;

/**
 * Why browser tests cannot run here, or null when they can. Under DREAMD_REQUIRE_BROWSER=1 (CI) a
 * missing browser is a failure, not a skip.
 */
export function browserUnavailable(): string | null {
  if (existsSync(CHROMIUM)) return null;
  const why = `no Chromium at ${CHROMIUM} (apt-get install chromium, or set DREAMD_CHROMIUM)`;
  if (process.env.DREAMD_REQUIRE_BROWSER === "1") throw new Error(`DREAMD_REQUIRE_BROWSER=1 but ${why}`);
  console.log(`skipping browser tests: ${why}`);
  return why;
}

export const artifact = (name: string) => join(ARTIFACTS, name);

const servers: ChildProcess[] = [];
const dirs: string[] = [];

export async function launchChromium(): Promise<Browser> {
  await mkdir(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
}

/** The browser, every server this file started, and their dirs. */
export async function closeAll(browser: Browser | undefined): Promise<void> {
  await browser?.close();
  for (const p of servers.splice(0)) p.kill("SIGTERM");
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
}

/** `dreamd serve` on 127.0.0.1 (a free port), schedule off; resolves with its URL once it listens. */
function startServe(env: Record<string, string>): Promise<string> {
  const proc = spawn(process.execPath, [MAIN, "serve"], {
    env: {
      PATH: process.env.PATH ?? "",
      DREAMD_API_HOST: "127.0.0.1",
      DREAMD_API_PORT: "0",
      DREAMD_SCHEDULE: "off",
      DREAMD_ENGINE: "offline",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  servers.push(proc);
  return listening(proc).then((l) => l.url);
}

/** `dreamd serve` over a writable copy of the bundled example memory and sessions. */
export async function serveExample(): Promise<{ url: string; memory: string }> {
  const work = await mkdtemp(join(tmpdir(), "dreamd-browser-"));
  dirs.push(work);
  const memory = join(work, "memory");
  const sessions = join(work, "sessions");
  await cp(join(EXAMPLES, "memory"), memory, { recursive: true });
  await cp(join(EXAMPLES, "sessions"), sessions, { recursive: true });
  const url = await startServe({
    DREAMD_MEMORY_DIR: memory,
    DREAMD_SESSIONS_DIR: sessions,
    DREAMD_PROPOSALS_DIR: join(work, "proposals"),
    DREAMD_API_TOKEN: TOKEN,
  });
  return { url, memory };
}

/** Tab until the focused element is the one named `name` (its aria-label or text): reachable by keyboard. */
export async function tabTo(page: Page, name: string | RegExp, max = 600): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press("Tab");
    // A string, not a function: this project compiles without the DOM library.
    const label = String(
      await page.evaluate(
        '(document.activeElement?.getAttribute("aria-label") ?? document.activeElement?.innerText ?? "").trim()',
      ),
    );
    if (typeof name === "string" ? label === name : name.test(label)) return;
  }
  throw new Error(`no focusable element named ${name} within ${max} Tab presses`);
}

/** The page's one-line outcome of the last action. */
export const flash = async (page: Page) =>
  (await page.locator("p.flash").textContent({ timeout: 10_000 })) ?? "";

/** The dream the dashboard lists first, once the running one has finished (the page reloads itself). */
export async function finishedDream(page: Page): Promise<string> {
  const link = page.locator('table a[href^="/ui/dreams/"]').first();
  await link.waitFor({ timeout: 30_000 });
  return (await link.textContent()) ?? "";
}
