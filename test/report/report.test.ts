import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCommand } from "../../src/cli/commands/index.js";
import type { CliIo } from "../../src/cli/context.js";
import { createStudy, RandomSampler, TrialState } from "../../src/index.js";
import { CHROMIUM, launchChromium } from "../browser.js";
import { fixtureStudy } from "../visualization/fixtures.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const NASTY = "<script>alert('study')</script>";

function captureIo(): { io: CliIo; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: {
      out: { columns: undefined, write: (t) => void out.push(t) },
      err: (t) => err.push(t),
      env: {},
    },
  };
}

/** A SQLite study from the fixture's trials, plus running trials asked and left open. */
async function makeStudy(url: string, name: string, directions: ("minimize" | "maximize")[]) {
  const study = await createStudy({
    storage: url,
    studyName: name,
    directions,
    sampler: new RandomSampler({ seed: 1 }),
  });
  const fixture = fixtureStudy({ trials: 150, directions, studyName: name });
  await study.addTrials(
    fixture.trials.filter((t) => t.state !== TrialState.RUNNING && t.state !== TrialState.WAITING),
  );
  for (let i = 0; i < 2; i++) {
    const trial = await study.ask();
    trial.suggestFloat("lr", 1e-5, 1e-1, { log: true });
    trial.suggestCategorical("optimizer", ["adam", "sgd", "<b>rms</b>"]);
    if (directions.length === 1) await trial.report(1.5, 0);
  }
  return study;
}

describe.runIf(existsSync(CHROMIUM))("skipjack report", () => {
  let dir: string;
  let url: string;
  let browser: Browser;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "skipjack-report-"));
    url = `sqlite:///${join(dir, "study.db")}`;
    await makeStudy(url, "mlp-learning-rate", ["minimize"]);
    await makeStudy(url, NASTY, ["minimize", "maximize"]);
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Opens a report; returns what the page did. */
  async function open(file: string, screenshot?: string) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1600 } });
    const errors: string[] = [];
    const requests: string[] = [];
    const dialogs: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("request", (r) => {
      if (!r.url().startsWith("file:")) requests.push(r.url());
    });
    page.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    // Software WebGL (parcoords) and Plotly's subplots are slow on a busy machine.
    await page.goto(pathToFileURL(file).href, { timeout: 180_000 });
    const expected = await page.locator("[data-figure]").count();
    // Every figure's div holds Plotly's SVG once drawn (a string: the page's DOM, not Node's).
    await page.waitForFunction(
      `document.querySelectorAll("[data-figure].js-plotly-plot .main-svg").length >= ${expected}`,
      undefined,
      { timeout: 180_000 },
    );
    const plots = await page.locator(".js-plotly-plot").count();
    const heading = await page.locator("h1").textContent();
    const notes = await page.locator(".note").allTextContents();
    if (screenshot !== undefined) await page.screenshot({ path: screenshot });
    await page.close();
    return { expected, plots, errors, requests, dialogs, heading, notes };
  }

  it("writes one self-contained page that renders every figure, without network or errors", async () => {
    const out = join(dir, "report.html");
    const { io, err } = captureIo();
    const status = await runCommand(
      ["report", "--storage", url, "--study-name", "mlp-learning-rate", "-o", out],
      io,
    );
    expect(err.join("")).toMatch(/Wrote the report of study "mlp-learning-rate"/);
    expect(status).toBe(0);
    const html = readFileSync(out, "utf8");
    expect(html).not.toMatch(/<script[^>]*\ssrc=/);
    expect(html).not.toMatch(/<link[^>]*href=/);
    const shot = join(dir, "report.png");
    const page = await open(out, shot);
    expect(page.errors).toEqual([]);
    expect(page.requests).toEqual([]);
    // Every applicable figure of a single-objective study: history, importances, intermediate
    // values, parallel coordinate, slice, contour, rank, EDF, timeline, terminator.
    expect(page.expected).toBe(10);
    expect(page.plots).toBe(page.expected);
    expect(page.notes).toEqual([]);
    if (process.env["SKIPJACK_UPDATE_SCREENSHOTS"] === "1")
      copyFileSync(shot, join(ROOT, "docs/report.png"));
  }, 240_000);

  it("shows a multi-objective study's Pareto front and hypervolume, its name as text", async () => {
    const out = join(dir, "multi.html");
    const { io } = captureIo();
    expect(
      await runCommand(["report", "--storage", url, "--study-name", NASTY, "-o", out], io),
    ).toBe(0);
    const html = readFileSync(out, "utf8");
    expect(html).not.toContain(NASTY);
    expect(html).toContain("Pareto front");
    expect(html).toContain("Hypervolume history");
    const page = await open(out);
    expect(page.heading).toBe(`Study ${NASTY}`);
    expect(page.dialogs).toEqual([]);
    expect(page.errors).toEqual([]);
    expect(page.requests).toEqual([]);
    expect(page.plots).toBe(page.expected);
    expect(page.expected).toBeGreaterThanOrEqual(10);
  }, 240_000);

  it("has an example in its help", async () => {
    const { io, out } = captureIo();
    await runCommand(["report", "--help"], io);
    expect(out.join("")).toContain(
      "$ skipjack report --storage sqlite:///study.db --study-name mnist -o report.html",
    );
  });

  it("fails in one line for an unknown study or an unwritable path", async () => {
    const unknown = captureIo();
    expect(
      await runCommand(
        ["report", "--storage", url, "--study-name", "nope", "-o", join(dir, "x.html")],
        unknown.io,
      ),
    ).toBe(1);
    expect(unknown.err.join("")).toMatch(/^skipjack: .*nope.*\n$/);
    const unwritable = captureIo();
    const path = join(dir, "missing", "x.html");
    expect(
      await runCommand(
        ["report", "--storage", url, "--study-name", "mlp-learning-rate", "-o", path],
        unwritable.io,
      ),
    ).toBe(1);
    expect(unwritable.err.join("")).toMatch(
      /^skipjack: Cannot write the report to .*missing.*directory exists.*\n$/,
    );
  }, 60_000);
});
