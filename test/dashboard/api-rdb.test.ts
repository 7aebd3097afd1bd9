/**
 * The dashboard API over PostgreSQL and MySQL (where their test servers are configured): a
 * trial another handle tells appears in the next `after=` answer, and rename and delete work.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StudySummary, TrialsResponse } from "../../src/server/dashboard/api-types.js";
import { createDashboardApp } from "../../src/server/dashboard/app.js";
import { openStorage } from "../../src/storages/resolve.js";
import type { Storage } from "../../src/storages/storage.js";
import {
  freshMySQLDatabase,
  freshPostgresDatabase,
  HOW_TO_ENABLE_MYSQL,
  HOW_TO_ENABLE_POSTGRES,
  MYSQL_URL,
  POSTGRES_URL,
} from "../storages/helpers.js";
import { complete, sameOrigin, studyWith } from "./api-helpers.js";

if (POSTGRES_URL === undefined) console.warn(HOW_TO_ENABLE_POSTGRES);
if (MYSQL_URL === undefined) console.warn(HOW_TO_ENABLE_MYSQL);

const servers = [
  { name: "PostgreSQL", admin: POSTGRES_URL, fresh: freshPostgresDatabase },
  { name: "MySQL", admin: MYSQL_URL, fresh: freshMySQLDatabase },
];

for (const server of servers) {
  describe.skipIf(server.admin === undefined)(`dashboard API on ${server.name}`, () => {
    let database: { url: string; drop: () => Promise<void> };
    let dashboardStorage: Storage;
    let writer: Storage;

    beforeAll(async () => {
      database = await server.fresh(server.admin!, "dashboard");
      writer = await openStorage(database.url);
      dashboardStorage = await openStorage(database.url, { createTables: false });
    }, 60_000);

    afterAll(async () => {
      await dashboardStorage?.close();
      await writer?.close();
      await database?.drop();
    });

    it("follows another handle's trials, renames and deletes", async () => {
      const app = createDashboardApp({ storage: dashboardStorage });
      const id = await studyWith(writer, "live", [3, 1]);
      const path = `/api/dashboard/studies/${id}/trials`;
      const first = (await (await app.request(path)).json()) as TrialsResponse;
      expect(first.trials.map((t) => t.values)).toEqual([[3], [1]]);
      const running = await writer.createNewTrial(id);
      await writer.createNewTrial(id, complete(0.5, 2, 2));
      const next = (await (
        await app.request(`${path}?after=${first.cursor}`)
      ).json()) as TrialsResponse;
      expect(next.trials.map((t) => [t.number, t.state])).toEqual([
        [2, "RUNNING"],
        [3, "COMPLETE"],
      ]);
      await writer.updateTrial(running.trialId, { state: "FAIL" });
      const last = (await (
        await app.request(`${path}?after=${next.cursor}`)
      ).json()) as TrialsResponse;
      expect(last.trials.map((t) => [t.number, t.state])).toEqual([[2, "FAIL"]]);

      await studyWith(writer, "taken", []);
      const clash = await app.request(
        `/api/dashboard/studies/${id}/rename`,
        sameOrigin("POST", { name: "taken" }),
      );
      expect(clash.status).toBe(409);
      const renamed = await app.request(
        `/api/dashboard/studies/${id}/rename`,
        sameOrigin("POST", { name: "renamed" }),
      );
      expect(((await renamed.json()) as StudySummary).best).toEqual([{ number: 3, values: [0.5] }]);
      expect(await writer.getStudyIdFromName("renamed")).toBe(id);
      const deleted = await app.request(`/api/dashboard/studies/${id}`, sameOrigin("DELETE"));
      expect(deleted.status).toBe(200);
      expect((await writer.getAllStudies()).map((s) => s.studyName)).toEqual(["taken"]);
    }, 60_000);
  });
}
