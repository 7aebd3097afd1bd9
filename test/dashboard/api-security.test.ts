/**
 * The dashboard's security model: the token (header or cookie, set from ?token=), loopback
 * Host names without a token, same-origin writes, JSON bodies, --read-only, and the command's
 * refusal to listen off loopback without a token.
 */
import { describe, expect, it } from "vitest";
import { createDashboardApp } from "../../src/server/dashboard/app.js";
import { startDashboard } from "../../src/server/dashboard/server.js";
import { InMemoryStorage } from "../../src/storages/in-memory/in-memory-storage.js";
import { sameOrigin, studyWith } from "./api-helpers.js";

const TOKEN = "dashboard-token-0123456789";
const HOST = "10.0.0.5:8080";

async function code(response: Response): Promise<string> {
  return ((await response.json()) as { error: { code: string } }).error.code;
}

describe("token", () => {
  it("is required on every API route, read or write, and on the OpenAPI document", async () => {
    const storage = new InMemoryStorage();
    const id = await studyWith(storage, "s", [1]);
    const app = createDashboardApp({ storage, token: TOKEN });
    for (const path of [
      "/api/dashboard/studies",
      `/api/dashboard/studies/${id}/trials`,
      "/api/dashboard/info",
      "/openapi.json",
    ]) {
      const response = await app.request(path, { headers: { host: HOST } });
      expect(response.status, path).toBe(401);
      expect(await code(response)).toBe("unauthorized");
    }
    const wrong = await app.request("/api/dashboard/studies", {
      headers: { host: HOST, authorization: "Bearer not-the-token-at-all" },
    });
    expect(wrong.status).toBe(401);
    const write = await app.request(
      `/api/dashboard/studies/${id}`,
      sameOrigin("DELETE", undefined, HOST),
    );
    expect(write.status).toBe(401);
    expect(await storage.getStudyNameFromId(id)).toBe("s");
    const right = await app.request("/api/dashboard/studies", {
      headers: { host: HOST, authorization: `Bearer ${TOKEN}` },
    });
    expect(right.status).toBe(200);
  });

  it("is kept in an HttpOnly cookie from a first ?token= visit, which then leaves the address", async () => {
    const storage = new InMemoryStorage();
    const app = createDashboardApp({ storage, token: TOKEN });
    const first = await app.request(`/?token=${TOKEN}`, { headers: { host: HOST } });
    expect(first.status).toBe(303);
    expect(first.headers.get("location")).toBe("/");
    const cookie = first.headers.get("set-cookie")!;
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Strict");
    const pair = cookie.split(";")[0]!;
    expect(pair).toMatch(/^skipjack_dashboard_token_8080=/);
    const api = await app.request("/api/dashboard/studies", {
      headers: { host: HOST, cookie: `other=1; ${pair}` },
    });
    expect(api.status).toBe(200);
    // Another port's cookie (another dashboard on this machine) is not this one's.
    const otherPort = await app.request("/api/dashboard/studies", {
      headers: { host: "10.0.0.5:9090", cookie: pair },
    });
    expect(otherPort.status).toBe(401);
    // The redirect stays on this server, whatever the path.
    const elsewhere = await app.request(`//evil.example/?token=${TOKEN}&x=1`, {
      headers: { host: HOST },
    });
    expect(elsewhere.headers.get("location")).toBe("/evil.example/?x=1");
    const wrong = await app.request("/?token=guess", { headers: { host: HOST } });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("set-cookie")).toBeNull();
  });

  it("is needed off loopback: startDashboard refuses to listen without one", async () => {
    await expect(
      startDashboard({ storage: new InMemoryStorage(), host: "0.0.0.0", port: 0 }),
    ).rejects.toThrow(/--token/);
    await expect(
      startDashboard({ storage: new InMemoryStorage(), token: "short", port: 0 }),
    ).rejects.toThrow(/too short/);
    const open = await startDashboard({
      storage: new InMemoryStorage(),
      host: "0.0.0.0",
      port: 0,
      noAuth: true,
    });
    await open.close();
  });

  it("guards a real listening server", async () => {
    const storage = new InMemoryStorage();
    await studyWith(storage, "s", [1]);
    const server = await startDashboard({ storage, port: 0, token: TOKEN });
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect((await fetch(`${server.url}/api/dashboard/studies`)).status).toBe(401);
      const ok = await fetch(`${server.url}/api/dashboard/studies`, {
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      expect(ok.status).toBe(200);
    } finally {
      await server.close();
    }
  });
});

describe("writes", () => {
  it("refuses cross-site requests, even with the token", async () => {
    const storage = new InMemoryStorage();
    const id = await studyWith(storage, "s", [1]);
    const app = createDashboardApp({ storage, token: TOKEN });
    const auth = { host: HOST, authorization: `Bearer ${TOKEN}` };
    const attempts: Record<string, string>[] = [
      { origin: "http://evil.example" },
      { origin: "null" },
      { origin: `https://${HOST.replace("8080", "8081")}` },
      { "sec-fetch-site": "cross-site" },
      { "sec-fetch-site": "same-site", origin: `http://${HOST}` },
    ];
    for (const extra of attempts) {
      const response = await app.request(`/api/dashboard/studies/${id}`, {
        method: "DELETE",
        headers: { ...auth, ...extra },
      });
      expect(response.status, JSON.stringify(extra)).toBe(403);
      expect(await code(response)).toBe("cross_origin");
    }
    // A form post (not JSON) is refused too.
    const form = await app.request(`/api/dashboard/studies/${id}/rename`, {
      method: "POST",
      headers: { ...auth, "content-type": "application/x-www-form-urlencoded" },
      body: "name=pwned",
    });
    expect(form.status).toBe(415);
    expect(await storage.getStudyNameFromId(id)).toBe("s");
    // The dashboard's own page, and a script without Origin (curl), may write.
    const own = await app.request(`/api/dashboard/studies/${id}/rename`, {
      ...sameOrigin("POST", { name: "renamed" }, HOST),
      headers: { ...(sameOrigin("POST", {}, HOST).headers as object), ...auth },
    });
    expect(own.status).toBe(200);
    const script = await app.request(`/api/dashboard/studies/${id}/note`, {
      method: "PUT",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify({ text: "from a script" }),
    });
    expect(script.status).toBe(200);
  });

  it("are gone with --read-only: 403 read_only, storage untouched", async () => {
    const storage = new InMemoryStorage();
    const id = await studyWith(storage, "s", [1]);
    const app = createDashboardApp({ storage, readOnly: true });
    const requests: [string, RequestInit][] = [
      [`/api/dashboard/studies/${id}`, sameOrigin("DELETE")],
      [`/api/dashboard/studies/${id}/rename`, sameOrigin("POST", { name: "x" })],
      [`/api/dashboard/studies/${id}/note`, sameOrigin("PUT", { text: "x" })],
      [`/api/dashboard/studies/${id}/trials/0/note`, sameOrigin("PUT", { text: "x" })],
    ];
    for (const [path, init] of requests) {
      const response = await app.request(path, init);
      expect(response.status, path).toBe(403);
      expect(await code(response)).toBe("read_only");
    }
    expect(await storage.getStudyNameFromId(id)).toBe("s");
    expect(await storage.getStudySystemAttrs(id)).toEqual({});
    expect((await app.request("/api/dashboard/studies")).status).toBe(200);
  });
});

describe("request bodies", () => {
  it("are refused over 256 KiB, also when chunked (no declared length)", async () => {
    const storage = new InMemoryStorage();
    const id = await studyWith(storage, "s", [1]);
    const app = createDashboardApp({ storage });
    const big = JSON.stringify({ text: "x".repeat(300 * 1024) });
    const chunked = new ReadableStream<Uint8Array>({
      start(controller) {
        const bytes = new TextEncoder().encode(big);
        for (let at = 0; at < bytes.length; at += 16 * 1024) {
          controller.enqueue(bytes.subarray(at, at + 16 * 1024));
        }
        controller.close();
      },
    });
    const response = await app.request(`/api/dashboard/studies/${id}/note`, {
      ...sameOrigin("PUT", {}),
      body: chunked,
      duplex: "half",
    } as RequestInit);
    expect(response.status).toBe(413);
    expect(await storage.getStudySystemAttrs(id)).toEqual({});
  });
});

describe("loopback without a token", () => {
  it("answers only requests addressed to a loopback name (no DNS rebinding)", async () => {
    const storage = new InMemoryStorage();
    const app = createDashboardApp({ storage, loopbackOnly: true });
    for (const host of ["127.0.0.1:8080", "localhost:8080", "[::1]:8080"]) {
      const response = await app.request("/api/dashboard/studies", { headers: { host } });
      expect(response.status, host).toBe(200);
    }
    const rebound = await app.request("/api/dashboard/studies", {
      headers: { host: "attacker.example:8080" },
    });
    expect(rebound.status).toBe(421);
    expect(await code(rebound)).toBe("wrong_host");
  });
});
