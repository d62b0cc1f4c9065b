import { mkdtemp, readFile, rename, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PAGE_TOKEN, pageApp, pageLogin, writeTree } from "../../../test/fixtures.ts";

let work: string;
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), "dreamd-ui-"));
});
afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

const U = "http://127.0.0.1";
const form = (fields: Record<string, string>) => new URLSearchParams(fields);

describe("review page login", () => {
  it("sends a visitor to the login form, and takes only the API token", async () => {
    const { app } = await pageApp(work);
    expect((await app.request(`${U}/`)).headers.get("location")).toBe("/ui");
    const anon = await app.request(`${U}/ui/dreams/20260320T180000Z-abcdef`);
    expect(anon.status).toBe(303);
    expect(anon.headers.get("location")).toBe("/ui/login?next=%2Fui%2Fdreams%2F20260320T180000Z-abcdef");
    const wrong = await app.request(`${U}/ui/login`, { method: "POST", body: form({ token: "nope" }) });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("set-cookie")).toBeNull();
    const ok = await app.request(`${U}/ui/login`, {
      method: "POST",
      body: form({ token: PAGE_TOKEN, next: "/ui/applies" }),
    });
    expect(ok.status).toBe(303);
    expect(ok.headers.get("location")).toBe("/ui/applies");
    const cookie = ok.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(
      /^dreamd_session=[\w-]+\.\d+\.[\w-]+; Max-Age=43200; Path=\/; HttpOnly; SameSite=Strict$/,
    );
    expect(cookie).not.toContain(PAGE_TOKEN);
  });

  it("never redirects a login off this UI", async () => {
    const { app } = await pageApp(work);
    for (const next of ["https://evil.example/", "//evil.example/ui", "/ui//evil.example", "/dreams"]) {
      const res = await app.request(`${U}/ui/login`, {
        method: "POST",
        body: form({ token: PAGE_TOKEN, next }),
      });
      expect(res.headers.get("location")).toBe("/ui");
    }
  });

  it("lets the page's session read the API (its event stream and diff link), Bearer unchanged", async () => {
    const { app } = await pageApp(work);
    const { cookie } = await pageLogin(app);
    expect((await app.request(`${U}/dreams`, { headers: { cookie } })).status).toBe(200);
    expect(
      (await app.request(`${U}/dreams`, { headers: { authorization: `Bearer ${PAGE_TOKEN}` } })).status,
    ).toBe(200);
    expect(
      (await app.request(`${U}/dreams`, { headers: { cookie: "dreamd_session=forged.99999999999.x" } }))
        .status,
    ).toBe(401);
  });

  it("keeps the Host allow-list and its own Content-Security-Policy", async () => {
    const { app } = await pageApp(work);
    expect((await app.request("http://evil.example/ui/login")).status).toBe(421);
    const res = await app.request(`${U}/ui/login`);
    expect(res.headers.get("content-security-policy")).toContain("form-action 'self'");
    expect(res.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(res.headers.get("content-security-policy")).not.toContain("unsafe-inline");
  });
});

describe("review page CSRF", () => {
  it("refuses a form without this session's token, and does nothing", async () => {
    const { app, runner } = await pageApp(work);
    const { cookie, csrf } = await pageLogin(app);
    expect(csrf).toMatch(/^[\w-]{43}$/);
    for (const body of [form({}), form({ csrf: "x" }), form({ csrf: `${csrf}x` })]) {
      const res = await app.request(`${U}/ui/dreams`, { method: "POST", headers: { cookie }, body });
      expect(res.status).toBe(403);
      expect(await res.text()).toContain("CSRF token");
    }
    expect(runner.status().state).toBe("idle");
    const other = await pageLogin(app);
    const res = await app.request(`${U}/ui/dreams`, {
      method: "POST",
      headers: { cookie },
      body: form({ csrf: other.csrf }),
    });
    expect(res.status).toBe(403);
  });
});

describe("review page flow", () => {
  it("dreams, reviews, applies, reverts and rolls back through forms", async () => {
    const { app, runner, memoryDir } = await pageApp(work);
    const { cookie, csrf } = await pageLogin(app);
    const post = (path: string, fields: Record<string, string> = {}) =>
      app.request(`${U}${path}`, { method: "POST", headers: { cookie }, body: form({ csrf, ...fields }) });
    const get = async (path: string) => (await app.request(`${U}${path}`, { headers: { cookie } })).text();
    const started = await post("/ui/dreams");
    expect(started.status).toBe(303);
    const flash = (started.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    const dreamId = runner.status().current?.dreamId ?? "";
    expect(
      await (await app.request(`${U}/ui`, { headers: { cookie: `${cookie}; ${flash}` } })).text(),
    ).toContain(`Dream ${dreamId} started.`);
    while (runner.status().state === "running") await new Promise((r) => setTimeout(r, 20));
    expect(await get("/ui")).toContain(`href="/ui/dreams/${dreamId}"`);
    const page = await get(`/ui/dreams/${dreamId}`);
    const ops = [...page.matchAll(/<article class="card pending" id="(op-\d+)"/g)].map((m) => m[1] ?? "");
    expect(ops.length).toBeGreaterThan(2);
    expect(page).toContain("Possible duplicates");
    expect(page).toContain('<ins aria-label="added">');

    expect(
      (
        await post(`/ui/dreams/${dreamId}/review`, {
          decision: "reject",
          ops: ops[0] ?? "",
          back: ops[0] ?? "",
        })
      ).headers.get("location"),
    ).toBe(`/ui/dreams/${dreamId}#${ops[0]}`);
    await post(`/ui/dreams/${dreamId}/review`, { decision: "accept", select: "pending" });
    const reviewed = await get(`/ui/dreams/${dreamId}`);
    expect(reviewed).toContain(`<article class="card rejected" id="${ops[0]}"`);
    expect(reviewed.match(/class="card accepted"/g)?.length).toBe(ops.length - 1);

    const before = await readFile(join(memoryDir, "MEMORY.md"), "utf8");
    const applied = await post(`/ui/dreams/${dreamId}/apply`);
    expect(applied.headers.get("location")).toMatch(/^\/ui\/applies#/);
    const applies = await get("/ui/applies");
    expect(applies).toContain(`apply of dream ${dreamId}`);
    expect(applies).toMatch(/op-\d+: applied/);
    const applyId = /id="([^"]+)" aria-labelledby/.exec(applies)?.[1] ?? "";
    const snapshot = /<option value="(apply-[^"]+)"/.exec(applies)?.[1] ?? "";
    expect(snapshot).toBe(`apply-${applyId}.tar.gz`);

    const preview = await get(`/ui/rollback?snapshot=${snapshot}`);
    expect(preview).toContain("Dry run: nothing has changed yet");
    expect(preview).toContain("Roll back now");
    expect((await post("/ui/rollback", { snapshot })).headers.get("location")).toMatch(
      /^\/ui\/applies#rollback-/,
    );
    expect(await readFile(join(memoryDir, "MEMORY.md"), "utf8")).toBe(before);

    // The rollback put the apply's files back, so its revert has nothing left of its own to undo.
    const revert = await post("/ui/revert", { dream: dreamId, apply: applyId });
    expect(revert.status).toBe(303);
  });

  it("decides per group and per confidence, refuses an unknown id, and discards", async () => {
    const { app, runner } = await pageApp(work);
    const { cookie, csrf } = await pageLogin(app);
    const { done, dreamId } = await runner.start();
    await done;
    const post = (path: string, fields: Record<string, string> = {}) =>
      app.request(`${U}${path}`, { method: "POST", headers: { cookie }, body: form({ csrf, ...fields }) });
    const states = async () =>
      (
        (await (await app.request(`${U}/dreams/${dreamId}/review`, { headers: { cookie } })).json()) as {
          operations: { id: string; state: string }[];
        }
      ).operations;
    const page = await (await app.request(`${U}/ui/dreams/${dreamId}`, { headers: { cookie } })).text();
    const group = /name="ops" value="(op-\d+(?:,op-\d+)+)"/.exec(page)?.[1] ?? "";
    expect(group.split(",").length).toBeGreaterThan(1);
    await post(`/ui/dreams/${dreamId}/review`, { decision: "reject", ops: group });
    expect((await states()).filter((o) => o.state === "rejected").map((o) => o.id)).toEqual(group.split(","));
    await post(`/ui/dreams/${dreamId}/review`, { decision: "accept", select: "certain" });
    const manifest = (await (
      await app.request(`${U}/dreams/${dreamId}`, { headers: { cookie } })
    ).json()) as {
      operations: { id: string; confidence?: string }[];
    };
    const certain = manifest.operations.filter((o) => o.confidence === "certain").map((o) => o.id);
    expect(certain.length).toBeGreaterThan(0);
    expect((await states()).filter((o) => o.state === "accepted").map((o) => o.id)).toEqual(certain);
    const unknown = await post(`/ui/dreams/${dreamId}/review`, { decision: "accept", ops: "op-999" });
    const flash = (unknown.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    const shown = await (
      await app.request(`${U}/ui/dreams/${dreamId}`, { headers: { cookie: `${cookie}; ${flash}` } })
    ).text();
    expect(shown).toContain('class="flash error" role="alert">no such operation');
    expect((await post(`/ui/dreams/${dreamId}/discard`)).headers.get("location")).toBe("/ui");
    expect((await app.request(`${U}/ui/dreams/${dreamId}`, { headers: { cookie } })).status).toBe(404);
  });

  it("shows review-only mode with the reason, and refuses apply", async () => {
    const { app, runner, memoryDir } = await pageApp(work);
    const { cookie, csrf } = await pageLogin(app);
    const { done, dreamId } = await runner.start();
    await done;
    // A memory dreamd cannot write (here: not there at all, since root writes through any mode bits).
    await rename(memoryDir, `${memoryDir}.away`);
    const html = await (await app.request(`${U}/ui/dreams/${dreamId}`, { headers: { cookie } })).text();
    expect(html).toContain("Review-only: memory dir");
    expect(html).toMatch(/<button type="submit" class="primary" disabled="" title="memory dir[^"]*">Apply/);
    expect(await (await app.request(`${U}/ui`, { headers: { cookie } })).text()).toContain(
      "<strong>review-only</strong>",
    );
    const res = await app.request(`${U}/ui/dreams/${dreamId}/apply`, {
      method: "POST",
      headers: { cookie },
      body: form({ csrf }),
    });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`/ui/dreams/${dreamId}`);
  });
});

describe("review page escaping", () => {
  it("shows HTML and script in memory and transcripts as text", async () => {
    // Balanced tags: an operation that would unbalance HTML is refused by the checks.
    const evil = "<b onmouseover=alert(2)>bold</b> then <script>alert('m')</script> text";
    const memory = join(work, "evil-memory");
    const sessions = join(work, "evil-sessions");
    await writeTree(memory, {
      "MEMORY.md": "# Memory\n\n- [Deploys](deploys.md)\n",
      "deploys.md": `# Deploys\n\n- Deploy ${evil} runs nightly\n`,
      "notes/2026-03-09.md": `# 2026-03-09\n\n- Deploy ${evil} runs nightly\n`,
    });
    await writeTree(sessions, {
      "s1.jsonl": `${JSON.stringify({ type: "user", message: { role: "user", content: `remember ${evil}` }, timestamp: "2026-03-19T10:00:00Z" })}\n`,
    });
    const { app, runner } = await pageApp(join(work, "w"), { memory, sessions });
    const { cookie } = await pageLogin(app);
    const { done, dreamId } = await runner.start();
    await done;
    const pages = [
      `/ui/dreams/${dreamId}`,
      `/ui/dreams/${dreamId}/source?path=deploys.md`,
      `/ui/dreams/${dreamId}/session?path=s1.jsonl`,
    ];
    expect(await (await app.request(`${U}${pages[0]}`, { headers: { cookie } })).text()).toContain(
      '<article class="card',
    );
    for (const p of pages) {
      const res = await app.request(`${U}${p}`, { headers: { cookie } });
      expect(res.status, p).toBe(200);
      const html = await res.text();
      expect(html, p).toContain("&lt;script&gt;");
      expect(html, p).not.toMatch(/<script>alert|<b onmouseover/);
    }
  });
});
