import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { configTable, loadConfig, snapshotsDirOf } from "./config.ts";

describe("config", () => {
  it("has a default for every field", () => {
    const cfg = loadConfig();
    expect(cfg).toMatchObject({
      memoryDir: "/memory",
      sessionsDir: "/sessions",
      proposalsDir: "/proposals",
      engine: "auto",
      minHours: 24,
      minSessions: 5,
      triggerMode: "any",
      maxSessions: 100,
      apiHost: "127.0.0.1",
    });
    expect(snapshotsDirOf(cfg)).toBe("/proposals/snapshots");
  });

  it("reads env, lets CLI flags override it, and reads *_FILE secrets", () => {
    const cfg = loadConfig({
      env: {
        DREAMD_MIN_SESSIONS: "3",
        DREAMD_MEMORY_DIR: "/env",
        DREAMD_API_TOKEN_FILE: "/run/secrets/token",
      },
      flags: { memory: "/flag" },
      readFile: (p) => (p === "/run/secrets/token" ? "s3cret\n" : ""),
    });
    expect(cfg).toMatchObject({ minSessions: 3, memoryDir: "/flag", apiToken: "s3cret" });
  });

  it("fails fast with fixed wording", () => {
    const err = (env: Record<string, string>) => () => loadConfig({ env });
    expect(err({ DREAMD_MIN_SESSIONS: "0" })).toThrow("invalid config: DREAMD_MIN_SESSIONS must be ≥ 1");
    expect(err({ DREAMD_MIN_SESSIONS: "two" })).toThrow(
      "invalid config: DREAMD_MIN_SESSIONS must be a number",
    );
    expect(err({ DREAMD_MIN_HOURS: "-1" })).toThrow("invalid config: DREAMD_MIN_HOURS must be ≥ 0");
    expect(err({ DREAMD_TRIGGER_MODE: "some" })).toThrow(
      "invalid config: DREAMD_TRIGGER_MODE must be one of any, all",
    );
    expect(err({ DREAMD_API_PORT: "70000" })).toThrow(
      "invalid config: DREAMD_API_PORT must be between 0 and 65535",
    );
    expect(err({ DREAMD_MEMORY_DIR: "" })).toThrow("invalid config: DREAMD_MEMORY_DIR must not be empty");
    expect(() =>
      loadConfig({
        env: { DREAMD_API_TOKEN_FILE: "/nope" },
        readFile: () => {
          throw new Error("ENOENT");
        },
      }),
    ).toThrow("invalid config: DREAMD_API_TOKEN_FILE cannot be read (/nope)");
  });

  it("README's config table is the one generated from the schema", () => {
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    expect(readme).toContain(configTable());
  });
});

describe("model price table", () => {
  it("prices the configured model, falls back to *, and refuses a malformed table", async () => {
    const { pricesOf } = await import("./engine/index.ts");
    const table = loadConfig().modelPrices;
    expect(pricesOf(table, loadConfig().model)).toEqual({
      input: 2,
      output: 10,
      cacheRead: 0.1,
      cacheWrite: 2.5,
    });
    expect(pricesOf(`${table};*=1,2,3,4`, "some-new-model")).toEqual({
      input: 1,
      output: 2,
      cacheRead: 3,
      cacheWrite: 4,
    });
    expect(pricesOf(table, "unknown")).toEqual({ input: 0, output: 0, cacheRead: 0, cacheWrite: 0 });
    expect(() => loadConfig({ env: { DREAMD_MODEL_PRICES: "sonnet=3,15" } })).toThrow(
      "invalid config: DREAMD_MODEL_PRICES must be model=input,output,cache-read,cache-write entries separated by ;",
    );
  });
});
