// The child of test/apply-kill.test.ts: one apply, killed with SIGKILL just before step `killAt` (−1:
// never; it then prints how many steps there were). Args: proposalsDir stateDir memoryDir dreamId killAt.
import { applyProposal } from "../src/apply/apply.ts";

const [proposalsDir = "", stateDir = "", memoryDir = "", dreamId = "", killAt = "-1"] = process.argv.slice(2);
let n = 0;
await applyProposal({
  proposalsDir,
  stateDir,
  dreamId,
  memoryDir,
  by: "test",
  applyId: `kill-${killAt}`,
  now: new Date("2026-03-21T00:00:00Z"),
  step: () => {
    if (n++ === Number(killAt)) process.kill(process.pid, "SIGKILL");
  },
});
process.stdout.write(`${n}\n`);
