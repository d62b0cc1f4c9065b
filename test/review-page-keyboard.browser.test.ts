import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  artifact,
  browserUnavailable,
  closeAll,
  finishedDream,
  flash,
  launchChromium,
  serveExample,
  TOKEN,
  tabTo,
} from "./browser-support.ts";
import { hashTree } from "./fixtures.ts";

/**
 * Issue 15: the review of review-page.browser.test.ts with the keyboard alone (Tab, Enter, Space): every
 * action reachable and operable without a mouse.
 */
const skip = browserUnavailable() !== null;
let browser: Browser;

beforeAll(async () => {
  if (!skip) browser = await launchChromium();
});
afterAll(() => closeAll(browser));

describe.skipIf(skip)("the review page from the keyboard", () => {
  it("does the same review with the keyboard alone", async () => {
    const { url, memory } = await serveExample();
    const original = await hashTree(memory);
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    await page.goto(`${url}/ui`);
    // The token field takes focus on arrival (autofocus), which Chromium applies at its next rendering
    // step, after the load event: on a busy machine, typing at once went nowhere.
    await page.waitForFunction('document.activeElement?.id === "token"');
    await page.keyboard.type(TOKEN);
    await page.keyboard.press("Enter");
    await page.getByRole("button", { name: "Dream now" }).waitFor();
    await tabTo(page, "Dream now");
    await page.keyboard.press("Enter");
    const dreamId = await finishedDream(page);
    await tabTo(page, dreamId);
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: `Dream ${dreamId}` }).waitFor();
    const ops = await page.locator("article.card").evaluateAll((els) => els.map((e) => e.id));
    const rejected = ops[1] ?? "";
    await tabTo(page, `Reject ${rejected}`);
    await page.keyboard.press("Space");
    await page.locator(`article#${rejected}.rejected`).waitFor();
    await tabTo(page, /^Accept all pending/);
    await page.keyboard.press("Enter");
    await page.locator("article.card.accepted").first().waitFor();
    expect(await page.locator("article.card.accepted").count()).toBe(ops.length - 1);
    await tabTo(page, /^Apply \d+ accepted$/);
    await page.keyboard.press("Enter");
    await expect.poll(() => flash(page), { timeout: 15_000 }).toContain("applied");
    expect(await hashTree(memory)).not.toEqual(original);
    await tabTo(page, "Preview rollback");
    await page.keyboard.press("Enter");
    await page.getByText("Dry run: nothing has changed yet").waitFor();
    await tabTo(page, "Roll back now");
    await page.keyboard.press("Space");
    await expect.poll(() => flash(page), { timeout: 15_000 }).toContain("Rolled back");
    expect(await hashTree(memory)).toEqual(original);
    await page.screenshot({ path: artifact("6-keyboard-done.png"), fullPage: true });
  });
});
