import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../config.ts";
import {
  hostAllowList,
  hostnameOf,
  limitUrlLength,
  requireAllowedHost,
  requireToken,
  slots,
  tokenCheck,
} from "./http-guards.ts";

describe("Host allow-list", () => {
  it("compares host names without port, case or trailing dot", () => {
    expect(hostnameOf("LocalHost:8787")).toBe("localhost");
    expect(hostnameOf("[::1]:8787")).toBe("[::1]");
    expect(hostnameOf("example.com.")).toBe("example.com");
    expect(hostnameOf("10.1.2.3")).toBe("10.1.2.3");
  });

  it("lets in loopback names, the listen address and configured names; nothing else", () => {
    const allowed = hostAllowList("127.0.0.1", "");
    for (const h of ["localhost", "localhost:8787", "127.0.0.1:8787", "[::1]:8787", "LOCALHOST"]) {
      expect(allowed(h), h).toBe(true);
    }
    for (const h of ["evil.example", "127.0.0.1.nip.io", "localhost.evil.example", "10.0.0.5", "", "[::]"]) {
      expect(allowed(h), h).toBe(false);
    }
    expect(hostAllowList("10.0.0.5", "")("10.0.0.5:8787")).toBe(true);
    expect(hostAllowList("::1", "")("[::1]")).toBe(true);
    expect(hostAllowList("fd00::5", "")("[fd00::5]:8787")).toBe(true);
    // A wildcard listen address names no host.
    expect(hostAllowList("0.0.0.0", "")("0.0.0.0")).toBe(false);
    expect(hostAllowList("::", "")("[::]")).toBe(false);

    const k8s = hostAllowList("0.0.0.0", " dreamd , dreamd.agents.svc ,*.svc.cluster.local");
    for (const h of ["dreamd:8787", "dreamd.agents.svc", "dreamd.agents.svc.cluster.local"]) {
      expect(k8s(h), h).toBe(true);
    }
    for (const h of ["svc.cluster.local", "dreamd.evil", "xsvc.cluster.local"]) expect(k8s(h), h).toBe(false);
  });

  it("421 when the Host header or an absolute-form URL names another host", async () => {
    const app = new Hono().use(requireAllowedHost(hostAllowList("127.0.0.1", "")));
    app.get("/x", (c) => c.text("ok"));
    expect((await app.request("/x")).status).toBe(200);
    expect((await app.request("/x", { headers: { host: "localhost:8787" } })).status).toBe(200);
    const bad = await app.request("/x", { headers: { host: "rebind.evil.example:8787" } });
    expect(bad.status).toBe(421);
    expect(await bad.json()).toEqual({ error: expect.stringMatching(/misdirected request/) });
    expect((await app.request("http://rebind.evil.example/x")).status).toBe(421);
  });

  it("DREAMD_ALLOWED_HOSTS takes names and wildcards, refuses anything else", () => {
    expect(loadConfig().allowedHosts).toBe("");
    expect(
      loadConfig({ env: { DREAMD_ALLOWED_HOSTS: "dreamd, *.svc.cluster.local,[fd00::1]" } }).allowedHosts,
    ).toBe("dreamd, *.svc.cluster.local,[fd00::1]");
    for (const bad of ["http://dreamd", "a b", "dreamd/x", "*"]) {
      expect(() => loadConfig({ env: { DREAMD_ALLOWED_HOSTS: bad } }), bad).toThrow(
        "invalid config: DREAMD_ALLOWED_HOSTS must be host names separated by commas",
      );
    }
    expect(loadConfig().maxBodyBytes).toBe(65_536);
    expect(loadConfig().maxEventStreams).toBe(16);
    expect(() => loadConfig({ env: { DREAMD_MAX_EVENT_STREAMS: "0" } })).toThrow(
      "invalid config: DREAMD_MAX_EVENT_STREAMS must be ≥ 1",
    );
  });
});

describe("token", () => {
  const app = new Hono().use(requireToken(tokenCheck("s3cret-token")));
  app.get("/r", (c) => c.text("read"));
  app.post("/w", (c) => c.text("written"));

  it("accepts the bearer header or the dreamd_token cookie, nothing else", async () => {
    expect((await app.request("/r", { headers: { authorization: "Bearer s3cret-token" } })).status).toBe(200);
    expect((await app.request("/r", { headers: { authorization: "bearer  s3cret-token " } })).status).toBe(
      200,
    );
    expect((await app.request("/r", { headers: { cookie: "a=1; dreamd_token=s3cret-token" } })).status).toBe(
      200,
    );
    for (const headers of [
      {},
      { authorization: "Bearer s3cret-toke" },
      { authorization: "Basic s3cret-token" },
      { authorization: "s3cret-token" },
      { cookie: "dreamd_token=" },
      { cookie: "dreamd_token=s3cret-token-and-more" },
      { cookie: "other=s3cret-token" },
    ]) {
      const res = await app.request("/r", { headers });
      expect(res.status, JSON.stringify(headers)).toBe(401);
      expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
      expect(await res.text()).not.toContain("s3cret");
    }
  });

  it("a cookie alone may change state only from this origin (CSRF)", async () => {
    const cookie = "dreamd_token=s3cret-token";
    const post = (headers: Record<string, string>) => app.request("/w", { method: "POST", headers });
    expect((await post({ cookie })).status).toBe(403);
    expect((await post({ cookie, origin: "http://localhost:3000", host: "localhost:8787" })).status).toBe(
      403,
    );
    expect((await post({ cookie, origin: "null" })).status).toBe(403);
    expect((await post({ cookie, origin: "http://localhost:8787", host: "localhost:8787" })).status).toBe(
      200,
    );
    expect((await post({ cookie, "sec-fetch-site": "same-origin" })).status).toBe(200);
    // A header cannot be added cross-origin without a CORS preflight this API never grants.
    expect((await post({ authorization: "Bearer s3cret-token", origin: "http://evil.example" })).status).toBe(
      200,
    );
  });
});

describe("slots and URL length", () => {
  it("counts up to the cap; a release frees one slot, once", () => {
    const s = slots(2);
    const a = s.take();
    const b = s.take();
    expect(a && b).toBeTruthy();
    expect(s.take()).toBeNull();
    a?.();
    a?.();
    expect(s.inUse()).toBe(1);
    expect(s.take()).not.toBeNull();
    expect(s.take()).toBeNull();
  });

  it("414 past the limit", async () => {
    const app = new Hono().use(limitUrlLength(100));
    app.get("/*", (c) => c.text("ok"));
    expect((await app.request(`/${"a".repeat(99)}`)).status).toBe(200);
    expect((await app.request(`/${"a".repeat(100)}`)).status).toBe(414);
    expect((await app.request(`/a?${"q".repeat(100)}`)).status).toBe(414);
  });
});
