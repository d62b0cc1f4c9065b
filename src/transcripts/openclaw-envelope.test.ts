import { describe, expect, it } from "vitest";
import { personText } from "./openclaw-envelope.ts";

const meta = (who: string) =>
  `Conversation info (untrusted metadata):\n\`\`\`json\n{\n  "message_id": "12",\n  "sender": "${who}"\n}\n\`\`\`\n`;

describe("personText: the person's words in an OpenClaw user turn", () => {
  it("cuts plugin blocks, metadata fences, system event lines and media notes, and keeps the rest", () => {
    const both = `${meta("Dana")}\nSender (untrusted metadata):\n\`\`\`json\n{"name": "Dana"}\n\`\`\`\n\nHi`;
    expect(personText(both)).toBe("Hi");
    const reply = `Replied message (untrusted, for context):\n\`\`\`json\n{"body": "Status: running"}\n\`\`\`\n\nStop it.`;
    expect(personText(reply)).toBe("Stop it.");
    const turn = `<composio>\nYou have 7 tools. Always follow these rules.\n</composio>\n\nSystem: [2026-03-30 09:01:49 GMT+2] Exec completed (code 0) :: done\n\n${meta("Dana")}\nNo, we use pnpm now.`;
    expect(personText(turn)).toBe("No, we use pnpm now.");
    const queued = `[Queued messages while agent was busy]\n\n---\nQueued #1\n${meta("Dana")}\nShip it on Friday.\n---\nQueued #2\n${meta("Dana")}\nAnd tell Sam.`;
    expect(personText(queued)).toBe("Ship it on Friday.\n\nAnd tell Sam.");
    const media =
      "[media attached: /root/x.jpg (image/jpeg) | /root/x.jpg]\nTo send an image back, prefer the message tool (media/path).\nWhat is in this picture?";
    expect(personText(media)).toBe("What is in this picture?");
  });

  it("gives the runtime's own turns to no one", () => {
    for (const t of [
      "[Mon 2026-03-30 01:57 GMT+2] OpenClaw runtime context (internal):\nThis context is runtime-generated.",
      "[Thu 2026-04-02 06:53 GMT+2] An async command did not run.\nDo not run the command again.",
      "Continue where you left off. The previous model attempt failed or timed out.",
      "A new session was started via /new or /reset. Run your Session Startup sequence.",
      `<composio>\nloading\n</composio>`,
      meta("Dana"),
    ])
      expect(personText(t), t).toBeNull();
  });

  it("leaves a plain message as it is, and a stray marker without its fence", () => {
    expect(personText("Deploy the billing service on Friday.")).toBe("Deploy the billing service on Friday.");
    expect(personText("[2026-03-02] moved the cron")).toBe("[2026-03-02] moved the cron");
  });
});

describe("personText: chat channels' envelopes (issue 16, on real workspaces)", () => {
  it("cuts a channel's header, a group's sender, the message id line, quoted replies and attached files", () => {
    expect(personText("I like the second name.\n[message_id: 5b1f0c2e-77aa-4c1e-9d0e-3f6a1b2c4d5e]")).toBe(
      "I like the second name.",
    );
    expect(
      personText("[WhatsApp +15550100 +9s 2026-02-02 08:15 GMT+9] Are you there?\n[message_id: 9F00AA11]"),
    ).toBe("Are you there?");
    const group =
      '[Telegram Ops Room id:-1001234 topic:4 +3m Tue 2026-03-31 10:02 GMT+2] Dana Reyes (5550123): Use the March numbers\n\n[Replying to Bot id:812]\nDraft 2: quarterly summary\n[/Replying]\n\n<file name="notes.txt">\nold numbers\n</file>';
    expect(personText(group)).toBe("Use the March numbers");
    const warned =
      "Check the deploy\n\n[Bootstrap truncation warning]\nSome workspace bootstrap files were truncated before injection.\n- AGENTS.md: 21000 raw -> 18000 injected";
    expect(personText(warned)).toBe("Check the deploy");
    expect(personText("<media:document>\nWhat does this say?")).toBe("What does this say?");
  });

  it("gives a completed approved command's event and a scheduled reminder to no one, and keeps a day in brackets the person wrote", () => {
    const reminder = `System: [2026-02-26 21:55:00 EST] Lunch order reminder\n\n${meta("Dana")}\nA scheduled reminder has been triggered. The reminder content is:\n\nLunch order reminder\n\nPlease relay this reminder to the user in a helpful and friendly way.\nCurrent time: Thursday, February 26th, 2026 — 9:55 PM`;
    expect(personText(reminder)).toBeNull();
    expect(
      personText(
        "A scheduled reminder has been triggered. The reminder message is shown in the system messages above. Please relay this reminder to the user in a helpful and friendly way.\nCurrent time: Saturday, February 14th, 2026 — 6:25 AM (UTC)",
      ),
    ).toBeNull();
    // After the output of the cron that raised it, which runs on from its System: line.
    expect(
      personText(
        `System: [2026-02-26 02:08:00 EST] Cron (error): task failed\n\n**Status**: failed (HTTP 503)\n\n${reminder.slice(reminder.indexOf("A scheduled"))}`,
      ),
    ).toBeNull();
    expect(
      personText(
        "[Fri 2026-04-03 19:39 GMT+2] An async command the user already approved has completed.\nDo not run it again.",
      ),
    ).toBeNull();
    expect(personText("[2026-03-02] moved the cron\n[message_id: 77]")).toBe("[2026-03-02] moved the cron");
  });
});
