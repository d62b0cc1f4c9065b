import { describe, expect, it } from "vitest";
import { containment, contentWords, jaccard, lshCandidates, mergeGuard, minhash } from "./similarity.ts";

const set = (s: string) => new Set(contentWords(s));

describe("similarity", () => {
  it("keeps identifiers whole and drops stopwords", () => {
    expect(contentWords("Run the tests with pnpm, not npm-cli in src/app.ts")).toEqual([
      "run",
      "tests",
      "pnpm",
      "not",
      "npm-cli",
      "src/app.ts",
    ]);
  });

  it("guards against merging entries that differ in a number, id, version, date, path or negation", () => {
    expect(mergeGuard("Deploy v1.2 to staging", "deploy v1.2 to staging now", false)).toBeNull();
    expect(mergeGuard("Deploy v1.2 to staging", "Deploy v1.3 to staging", false)).toMatch(/differs/);
    expect(mergeGuard("Ticket BILL-482 is fixed", "Ticket BILL-483 is fixed", false)).toMatch(/differs/);
    expect(mergeGuard("Standup at 09:30 daily", "Standup at 10:30 daily", false)).toMatch(/differs/);
    expect(mergeGuard("Runbook in docs/a.md", "Runbook in docs/b.md", false)).toMatch(/differs/);
    expect(mergeGuard("Use mocks in unit tests", "Never use mocks in unit tests", false)).toBe(
      "negation differs",
    );
    expect(mergeGuard("Rex is a golden retriever", "Rex is a 3-year-old golden retriever", true)).toBeNull();
    expect(mergeGuard("Rex is 3", "Rex is a 4-year-old golden retriever", true)).toMatch(/differs/);
    expect(mergeGuard("status of Project A: done", "status of Project B: done", false)).toMatch(/differs/);
    expect(mergeGuard("met with Dana about invoices", "met with Marco about invoices", false)).toMatch(
      /differs/,
    );
  });

  it("LSH finds near-duplicates and not unrelated entries", () => {
    const texts = [
      "prefers small pull requests with a short summary and a test plan",
      "prefers small pull requests with a summary and a test plan",
      "invoices are rendered to pdf by the invoice-render worker",
      "the deploy workflow runs on every merge to main",
    ];
    const sigs = texts.map((t) => minhash(set(t)));
    expect(lshCandidates(sigs)).toEqual([[0, 1]]);
    expect(jaccard(set(texts[0] ?? ""), set(texts[1] ?? ""))).toBeGreaterThan(0.8);
    expect(containment(set("golden retriever Rex"), set("Rex is a 3-year-old golden retriever"))).toBe(1);
  });
});
