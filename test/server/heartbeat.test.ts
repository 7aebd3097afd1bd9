import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createTrialApp } from "../../src/server/app.js";
import { Registry } from "../../src/server/registry.js";
import { openStorage } from "../../src/storages/resolve.js";

describe("trial API with heartbeats on", () => {
  it("records heartbeats, and fails a silent worker's trial at the next ask", async () => {
    const dir = mkdtempSync(join(tmpdir(), "skipjack-hb-"));
    const storage = await openStorage(`sqlite:///${join(dir, "hb.db")}`, {
      createTables: true,
      heartbeatInterval: 1,
      gracePeriod: 1,
    });
    try {
      const app = createTrialApp({ registry: new Registry(storage), noAuth: true });
      const post = async (path: string, body: unknown = {}) => {
        const response = await app.request(path, { method: "POST", body: JSON.stringify(body) });
        return {
          status: response.status,
          body: (await response.json()) as Record<string, unknown>,
        };
      };
      await post("/api/v1/studies", { name: "hb" });
      await post("/api/v1/studies/hb/trials");
      expect((await post("/api/v1/studies/hb/trials/0/heartbeat")).body).toEqual({
        recorded: true,
      });
      await new Promise((resolve) => setTimeout(resolve, 2100));
      const next = await post("/api/v1/studies/hb/trials");
      expect(next.body["number"]).toBe(1);
      const [first] = await storage.getAllTrials(await storage.getStudyIdFromName("hb"));
      expect(first!.state).toBe("FAIL");
      const late = await post("/api/v1/studies/hb/trials/0/report", { value: 1, step: 0 });
      expect(late.status).toBe(409);
    } finally {
      await storage.close();
    }
  }, 30_000);
});
