/**
 * `skipjack dashboard` on the command line: one-line errors for a public host without a
 * token and a missing database, the address on standard output of a real process, and the
 * browser started with an argument vector (no shell).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { browserCommand, storageArgument } from "../../src/cli/commands/dashboard.js";
import type { DashboardInfo, StudiesResponse } from "../../src/server/dashboard/api-types.js";
import { openStorage } from "../../src/storages/resolve.js";
import { sj } from "../cli/commands-helpers.js";
import { tempDir } from "../storages/helpers.js";
import { studyWith } from "./api-helpers.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const { dir, remove } = tempDir("dashboard-cli");
afterAll(remove);

describe("skipjack dashboard", () => {
  it("refuses a public host without --token or --no-auth, in one line", async () => {
    const db = `sqlite:///${join(dir, "a.db")}`;
    const ran = await sj(["dashboard", db, "--host", "0.0.0.0"]);
    expect(ran.status).not.toBe(0);
    expect(ran.err.trim().split("\n")).toHaveLength(1);
    expect(ran.err).toContain("--token");
    expect(ran.err).not.toMatch(/\bat .*\.ts:\d+/);
  });

  it("says when the database file does not exist, in one line", async () => {
    const ran = await sj(["dashboard", join(dir, "missing.db")]);
    expect(ran.status).not.toBe(0);
    expect(ran.err.trim().split("\n")).toHaveLength(1);
    expect(ran.err).toContain("missing.db");
  });

  it("takes the storage once: as the argument or --storage", async () => {
    const ran = await sj(["dashboard", "sqlite:///x.db", "--storage", "sqlite:///y.db"]);
    expect(ran.status).not.toBe(0);
    expect(ran.err).toContain("not both");
  });

  it("reads a SQLite file path as a SQLite URL", () => {
    expect(storageArgument("postgresql://u@h/db")).toBe("postgresql://u@h/db");
    expect(storageArgument("/data/my study.db")).toBe("sqlite:////data/my%20study.db");
  });

  it("opens the browser with an argument vector, the URL one argument", () => {
    const url = "http://127.0.0.1:8080/?token=a;b&c=$(rm -rf ~)";
    expect(browserCommand(url, "linux")).toEqual(["xdg-open", [url]]);
    expect(browserCommand(url, "darwin")).toEqual(["open", [url]]);
    expect(browserCommand(url, "win32")).toEqual([
      "rundll32",
      ["url.dll,FileProtocolHandler", url],
    ]);
  });

  it("prints its address, serves the API, and stops on SIGTERM", async () => {
    const path = join(dir, "live.db");
    const storage = await openStorage(`sqlite:///${path}`);
    await studyWith(storage, "from-cli", [1, 2]);
    await storage.close();
    const child: ChildProcess = spawn(
      process.execPath,
      [join(root, "bin/skipjack.js"), "dashboard", path, "--port", "0", "--read-only"],
      { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, SKIPJACK_DEBUG: "" } },
    );
    let err = "";
    child.stderr!.on("data", (chunk: Buffer) => {
      err += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    const url = await new Promise<string>((resolve, reject) => {
      let out = "";
      child.stdout!.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes("\n")) resolve(out.split("\n")[0]!.trim());
      });
      void exited.then((code) => reject(new Error(`dashboard exited with ${code}: ${err}`)));
    });
    try {
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const body = (await (await fetch(`${url}api/dashboard/studies`)).json()) as StudiesResponse;
      expect(body.studies.map((s) => [s.name, s.nTrials])).toEqual([["from-cli", 2]]);
      const refused = await fetch(`${url}api/dashboard/studies/${body.studies[0]!.studyId}`, {
        method: "DELETE",
      });
      expect(refused.status).toBe(403);
      const info = (await (await fetch(`${url}api/dashboard/info`)).json()) as DashboardInfo;
      expect(info).toMatchObject({ readOnly: true, tokenRequired: false });
      expect(info.storage).toBe(`sqlite:///${path}`);
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
    expect(err).toContain("read-only");
  }, 60_000);
});
