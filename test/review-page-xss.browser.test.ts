import { mkdtemp, rm } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serve } from "@hono/node-server";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { artifact, browserUnavailable, closeAll, launchChromium } from "./browser-support.ts";
import { PAGE_TOKEN, pageApp, writeTree } from "./fixtures.ts";

/**
 * Issue 15: memory and transcript text holding HTML and script shows as text in a real browser (no
 * dialog opens, no element is made of it), and a form posted without its CSRF token is refused.
 */
const skip = browserUnavailable() !== null;
// Balanced tags: an operation that would unbalance HTML is refused by the checks before any page sees it.
const EVIL = `<b onmouseover=alert(2)>bold</b> then <script>alert("memory")</script> text`;
let browser: Browser;
let work: string;
let server: ReturnType<typeof serve> | undefined;

beforeAll(async () => {
  if (skip) return;
  browser = await launchChromium();
  work = await mkdtemp(join(tmpdir(), "dreamd-xss-"));
});
afterAll(async () => {
  server?.close();
  await closeAll(browser);
  if (work) await rm(work, { recursive: true, force: true });
});

describe.skipIf(skip)("the review page against hostile text", () => {
  it("shows HTML and script from memory and transcripts inert, and refuses a form without its CSRF token", async () => {
    const memory = join(work, "evil-memory");
    const sessions = join(work, "evil-sessions");
    await writeTree(memory, {
      "MEMORY.md": "# Memory\n\n- [Deploys](deploys.md)\n",
      "deploys.md": `# Deploys ${EVIL}\n\n- Deploy ${EVIL} runs nightly\n`,
      "notes/2026-03-09.md": `# 2026-03-09\n\n- Deploy ${EVIL} runs nightly\n`,
    });
    await writeTree(sessions, {
      "s1.jsonl": `${JSON.stringify({ type: "user", message: { role: "user", content: `remember ${EVIL}` }, timestamp: "2026-03-19T10:00:00Z" })}\n`,
    });
    const { app, runner } = await pageApp(join(work, "w"), { memory, sessions });
    const { done, dreamId } = await runner.start();
    await done;
    const url = await new Promise<string>((resolve) => {
      const s = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info: AddressInfo) =>
        resolve(`http://127.0.0.1:${info.port}`),
      );
      server = s;
    });
    const page = await browser.newPage();
    const dialogs: string[] = [];
    page.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(`${url}/ui/login`);
    await page.getByLabel("API token").fill(PAGE_TOKEN);
    await page.getByRole("button", { name: "Log in" }).click();
    for (const path of [
      `/ui/dreams/${dreamId}`,
      `/ui/dreams/${dreamId}/source?path=deploys.md`,
      `/ui/dreams/${dreamId}/session?path=s1.jsonl`,
    ]) {
      await page.goto(`${url}${path}`);
      expect(await page.getByText('<script>alert("memory")</script>').count(), path).toBeGreaterThan(0);
      expect(await page.locator("main b").count(), path).toBe(0);
      expect(await page.locator("main script").count(), path).toBe(0);
    }
    await page.goto(`${url}/ui/dreams/${dreamId}`);
    await page.screenshot({ path: artifact("7-hostile-text.png"), fullPage: true });
    expect(dialogs).toEqual([]);

    // The same form, its CSRF field taken out: refused, and nothing decided.
    await page.evaluate('document.querySelectorAll("form input[name=csrf]").forEach((e) => e.remove())');
    await page.getByRole("button", { name: /^Accept all pending/ }).click();
    await page.getByText("did not carry this session's CSRF token").waitFor();
    const review = (await (await page.request.get(`${url}/dreams/${dreamId}/review`)).json()) as {
      operations: { state: string }[];
    };
    expect(review.operations.every((o) => o.state === "pending")).toBe(true);
  });
});
