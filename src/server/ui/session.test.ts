import { describe, expect, it } from "vitest";
import { createSessions, SESSION_SECONDS } from "./session.ts";

describe("review page sessions", () => {
  it("verifies what it issued, and nothing altered, foreign or expired", () => {
    let now = 1_700_000_000_000;
    const s = createSessions({ clock: () => now });
    const cookie = s.issue();
    const id = s.verify(cookie);
    expect(id).toMatch(/^[\w-]{22}$/);
    expect(s.verify(`${cookie}x`)).toBeNull();
    expect(s.verify(cookie.replace(/^./, (c) => (c === "A" ? "B" : "A")))).toBeNull();
    expect(s.verify(`${cookie}.extra`)).toBeNull();
    expect(s.verify(undefined)).toBeNull();
    expect(s.verify("")).toBeNull();
    expect(createSessions({ clock: () => now }).verify(cookie)).toBeNull();
    now += SESSION_SECONDS * 1000 + 1;
    expect(s.verify(cookie)).toBeNull();
  });

  it("gives each session its own CSRF token", () => {
    const s = createSessions();
    const a = s.verify(s.issue()) ?? "";
    const b = s.verify(s.issue()) ?? "";
    expect(s.csrfOk(a, s.csrf(a))).toBe(true);
    expect(s.csrfOk(a, s.csrf(b))).toBe(false);
    expect(s.csrfOk(a, undefined)).toBe(false);
    expect(s.csrfOk(a, "")).toBe(false);
  });
});
