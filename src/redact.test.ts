import { describe, expect, it } from "vitest";
import { createLogger } from "./logger.ts";
import { REDACTED, redactDeep, redactingLogger, redactor } from "./redact.ts";

const KEY = "sk-ant-api03-FAKEFAKEFAKE";

describe("redact", () => {
  it("blanks every occurrence of each secret, longest first; ignores empty and tiny ones", () => {
    const r = redactor([KEY, "tok-123456", "", "ab"]);
    expect(r(`x-api-key: ${KEY}; again ${KEY}; token tok-123456`)).toBe(
      `x-api-key: ${REDACTED}; again ${REDACTED}; token ${REDACTED}`,
    );
    expect(r("about tab")).toBe("about tab");
    expect(redactor([])("as is")).toBe("as is");
    expect(redactor(["secret1", "secret1-longer"])("secret1-longer")).toBe(REDACTED);
  });

  it("redacts strings inside objects and arrays, keeps other values", () => {
    const r = redactor([KEY]);
    expect(redactDeep({ a: [KEY, 1, null], b: { c: `k=${KEY}`, d: true } }, r)).toEqual({
      a: [REDACTED, 1, null],
      b: { c: `k=${REDACTED}`, d: true },
    });
  });

  it("a redacting logger writes neither secret, in the message or any field", () => {
    const lines: string[] = [];
    const log = redactingLogger(
      createLogger("debug", (l) => lines.push(l)),
      [KEY, "api-token-xyz"],
    );
    log.error(`request failed with ${KEY}`, { error: `401 ${KEY}`, nested: { token: "api-token-xyz" } });
    log.info("plain", { n: 1 });
    const all = lines.join("");
    expect(all).not.toContain(KEY);
    expect(all).not.toContain("api-token-xyz");
    expect(all).toContain(REDACTED);
    expect(all).toContain('"n":1');
  });
});
