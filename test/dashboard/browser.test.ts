/**
 * The dashboard in Debian's Chromium: `skipjack dashboard` as a real process over an SQLite
 * file, its pages driven by playwright-core. Every page loads with no console error; a trial
 * told by another process shows without a reload; sorting and filters change the trials
 * table; --read-only hides and refuses delete; a study named like a script tag is text.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStudy } from "../../src/index.js";
import { launchChromium } from "../browser.js";
import {
  type Dashboard,
  ensureUiBuilt,
  runCli,
  scrollThrough,
  startDashboard,
  watchPage,
} from "./browser-harness.js";

const SCRIPT_NAME = "<script>alert(1)</script>";
const dir = mkdtempSync(join(tmpdir(), "skipjack-dashboard-ui-"));
const storage = `sqlite:///${join(dir, "studies.db")}`;

/** The fixture's trials: number → [state, value, x, opt, tag]. */
const trials: { state: "COMPLETE" | "PRUNED" | "FAIL"; value: number | null; x: number }[] = [];

let browser: Browser;
let dashboard: Dashboard;
let page: Page;
let seen: ReturnType<typeof watchPage>;

async function makeStudies(): Promise<void> {
  const study = await createStudy({ storage, studyName: SCRIPT_NAME });
  for (let i = 0; i < 30; i++) {
    const trial = await study.ask();
    const x = trial.suggestFloat("x", 0, 10);
    trial.suggestCategorical("opt", ["adam", "sgd"]);
    trial.setUserAttr("tag", i % 3 === 0 ? "third" : "other");
    for (let step = 0; step < 4; step++) await trial.report(x + 10 - step, step);
    const state = i % 10 === 7 ? "FAIL" : i % 10 === 8 ? "PRUNED" : "COMPLETE";
    const value = state === "COMPLETE" ? (x - 4) ** 2 : null;
    trials.push({ state, value, x });
    await study.tell(trial, state === "COMPLETE" ? { values: value! } : { state });
  }
  const multi = await createStudy({
    storage,
    studyName: "two objectives",
    directions: ["minimize", "maximize"],
  });
  for (let i = 0; i < 12; i++) {
    const trial = await multi.ask();
    const a = trial.suggestFloat("a", 0, 1);
    const b = trial.suggestInt("b", 1, 5);
    await multi.tell(trial, { values: [a * b, 1 - a * a] });
  }
  await createStudy({ storage, studyName: "to delete" });
}

/** How long a page may take to show something: generous, as CI runs test files side by side. */
const WAIT = { timeout: 60_000 };

/** Waits until a JavaScript expression holds in the page (source text: this file has no DOM types). */
function until(expression: string) {
  return page.waitForFunction(expression, undefined, WAIT);
}

/** Opens a hash route on the dashboard and waits until the app has rendered it. */
async function open(hash: string, selector: string): Promise<void> {
  await page.goto(`${dashboard.url}${hash}`, { waitUntil: "commit" });
  await page.waitForSelector(selector, WAIT);
}

/** Trial numbers of the table's rendered rows, top to bottom (rows are placed by style top). */
async function tableNumbers(): Promise<number[]> {
  const rows: { top: number; n: number }[] = [];
  for (const row of await page.locator("#trials tbody tr").all()) {
    const style = (await row.getAttribute("style")) ?? "";
    const top = /top:\s*([\d.]+)px/.exec(style)?.[1] ?? "0";
    rows.push({ top: Number(top), n: Number(await row.getAttribute("data-number")) });
  }
  return rows.sort((a, b) => a.top - b.top).map((r) => r.n);
}

beforeAll(async () => {
  ensureUiBuilt();
  await makeStudies();
  dashboard = await startDashboard(storage);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  seen = watchPage(page);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await dashboard?.stop();
});

describe("skipjack dashboard in Chromium", () => {
  it("loads every page with no console error", async () => {
    await open("#/", "a.study-name");
    expect(await page.locator("a.study-name").count()).toBe(3);

    await open("#/studies/1", '[data-plot="history"][data-drawn]');
    await page.waitForSelector('[data-plot="parallel"][data-drawn]', WAIT);
    await scrollThrough(page);
    // Every figure panel ends drawn or saying why it has nothing to draw.
    await until(
      `[...document.querySelectorAll("[data-figure]")].every(
        (p) => p.querySelector("[data-drawn]") !== null || p.querySelector(".figure-note") !== null)`,
    );
    expect(await page.locator('[data-figure="intermediate"] [data-drawn]').count()).toBe(1);

    await open("#/studies/2", '[data-plot="pareto"][data-drawn]');
    await scrollThrough(page);
    await page.waitForSelector('[data-plot="hypervolume"][data-drawn]', WAIT);

    await open("#/studies/1/trials", "#trials tbody tr");
    await open("#/studies/1/trials/3", '[data-plot="trial-intermediate"][data-drawn]');
    await open("#/compare?studies=1,2", '[data-plot="compare-edf"][data-drawn]');
    expect(seen.errors).toEqual([]);
  }, 240_000);

  it("shows a study named like a script tag as text", async () => {
    await open("#/", "a.study-name");
    expect(await page.locator("a.study-name").first().textContent()).toBe(SCRIPT_NAME);
    await open("#/studies/1", "h1.study-title");
    expect(await page.locator("h1.study-title").textContent()).toBe(SCRIPT_NAME);
    expect(await page.locator("main script").count()).toBe(0);
    expect(seen.dialogs).toEqual([]);
  }, 180_000);

  it("sorts every column numerically and filters the trials table", async () => {
    await open("#/studies/1/trials", "#trials tbody tr");
    expect((await tableNumbers()).slice(0, 3)).toEqual([0, 1, 2]);

    const byValue = trials
      .map((t, number) => ({ ...t, number }))
      .filter((t) => t.value !== null)
      .sort((a, b) => a.value! - b.value!);
    const first = async () => (await tableNumbers())[0];
    await page.click('button[data-column="value:0"]');
    await expect.poll(first, WAIT).toBe(byValue[0]!.number);
    await page.click('button[data-column="value:0"]');
    await expect.poll(first, WAIT).toBe(byValue[byValue.length - 1]!.number);

    const byX = trials.map((t, number) => ({ ...t, number })).sort((a, b) => a.x - b.x);
    await page.click('button[data-column="param:x"]');
    await expect.poll(first, WAIT).toBe(byX[0]!.number);

    const count = () => page.locator("#trial-count").textContent();
    await expect.poll(count, WAIT).toBe("30 of 30 trials");
    await page.check('input[name="state"][value="FAIL"]');
    const fails = trials.filter((t) => t.state === "FAIL").length;
    await expect.poll(count, WAIT).toBe(`${fails} of 30 trials`);
    await page.uncheck('input[name="state"][value="FAIL"]');
    await page.fill('input[aria-label="x min"]', "5");
    await expect.poll(count, WAIT).toBe(`${trials.filter((t) => t.x >= 5).length} of 30 trials`);
    await page.fill('input[aria-label="x min"]', "");
    await page.selectOption('select[aria-label="attribute"]', "tag");
    await page.fill('input[aria-label="attribute contains"]', "third");
    await expect.poll(count, WAIT).toBe("10 of 30 trials");
  }, 180_000);

  it("shows a trial told by another process without a reload", async () => {
    await open("#/studies/1", "#n-trials");
    await until(`document.querySelector("#n-trials")?.textContent === "30 trials"`);
    const asked = JSON.parse(
      runCli(["ask", "--storage", storage, "--study-name", SCRIPT_NAME, "--format", "json"]),
    ) as { number: number };
    runCli([
      "tell",
      ...["--storage", storage, "--study-name", SCRIPT_NAME],
      ...["--trial-number", String(asked.number), "--values", "0.25"],
    ]);
    await until(`document.querySelector("#n-trials")?.textContent === "31 trials"`);
    expect(seen.errors).toEqual([]);
  }, 180_000);

  it("hides and refuses delete with --read-only, and deletes after a confirmation without", async () => {
    const readOnly = await startDashboard(storage, ["--read-only"]);
    try {
      await page.goto(`${readOnly.url}#/`, { waitUntil: "commit" });
      await page.waitForSelector("a.study-name", WAIT);
      await until(`document.body.textContent.includes("read-only")`);
      expect(await page.locator("button", { hasText: "Delete" }).count()).toBe(0);
      expect(await page.locator("button", { hasText: "Rename" }).count()).toBe(0);
      const status = await page.evaluate(async () => {
        const response = await fetch("/api/dashboard/studies/3", { method: "DELETE" });
        return response.status;
      });
      expect(status).toBe(403);
      // Chromium logs the refused request itself as a console error: that one was wanted.
      await expect.poll(() => seen.errors.some((e) => e.includes("403")), WAIT).toBe(true);
      seen.errors.splice(0, seen.errors.length);
    } finally {
      await readOnly.stop();
    }

    await open("#/", "a.study-name");
    const row = page.locator("tr", { hasText: "to delete" });
    await row.locator("button", { hasText: "Delete" }).click();
    const dialog = page.locator("dialog[open]");
    await dialog.locator("button", { hasText: "Cancel" }).click();
    expect(await page.locator("a.study-name", { hasText: "to delete" }).count()).toBe(1);
    await row.locator("button", { hasText: "Delete" }).click();
    await dialog.locator("button", { hasText: "Delete" }).click();
    await until(
      `![...document.querySelectorAll("a.study-name")].some((a) => a.textContent === "to delete")`,
    );
    expect(await page.locator("a.study-name").count()).toBe(2);
    expect(seen.errors).toEqual([]);
  }, 180_000);
});
