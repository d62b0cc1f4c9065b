import { defineConfig } from "vitest/config";

// Tests that measure latency or wall time run last and one at a time: beside other suites on a 2-core
// machine they would measure the machine, not dreamd.
const TIMING = "**/*.timing.test.ts";
const shared = { testTimeout: 60_000, hookTimeout: 120_000 };

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          ...shared,
          name: "suite",
          include: ["src/**/*.test.ts", "test/**/*.test.ts"],
          exclude: [TIMING, "**/node_modules/**"],
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          ...shared,
          name: "timing",
          include: ["test/**/*.timing.test.ts"],
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
