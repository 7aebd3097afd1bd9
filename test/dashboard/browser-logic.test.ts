/**
 * The browser app's logic that runs without a browser: routes, the safe Markdown reader, CSV
 * export, filters, numeric sorting, and the merge of incremental trial answers.
 */
import { describe, expect, it } from "vitest";
import { toCsv } from "../../src/dashboard-ui/csv.js";
import { sortTrials, trialColumns } from "../../src/dashboard-ui/data/columns.js";
import { num, paramSpace, toFrozenTrial } from "../../src/dashboard-ui/data/convert.js";
import { StudyFeed } from "../../src/dashboard-ui/data/feed.js";
import { applyPlotFilter, applyTableFilter } from "../../src/dashboard-ui/data/filters.js";
import { parseInline, parseMarkdown } from "../../src/dashboard-ui/markdown.js";
import { href, parseRoute, type Route } from "../../src/dashboard-ui/routes.js";
import type { TrialRow, TrialsResponse } from "../../src/server/dashboard/api-types.js";

const DISTRIBUTIONS: TrialsResponse["distributions"] = [
  { name: "FloatDistribution", attributes: { low: 0, high: 100, step: null, log: false } },
  { name: "CategoricalDistribution", attributes: { choices: ["adam", "sgd"] } },
];

function row(number: number, extra: Partial<TrialRow> = {}): TrialRow {
  return {
    number,
    state: "COMPLETE",
    values: [number * 1.5],
    params: [number, number % 2],
    start: 1_700_000_000_000 + number * 1000,
    complete: 1_700_000_000_500 + number * 1000,
    ...extra,
  };
}

function response(trials: TrialRow[], reset: boolean, cursor = "c1"): TrialsResponse {
  return {
    studyId: 1,
    cursor,
    reset,
    nTrials: trials.length,
    directions: ["minimize"],
    paramNames: ["x", "opt"],
    distributions: DISTRIBUTIONS,
    trials,
    serverTime: Date.now(),
  };
}

describe("routes", () => {
  it("reads every page from the hash and writes it back", () => {
    const routes: Route[] = [
      { page: "studies" },
      { page: "study", studyId: 3 },
      { page: "trials", studyId: 3 },
      { page: "trial", studyId: 3, number: 12 },
      { page: "compare", studyIds: [1, 4] },
    ];
    for (const route of routes) expect(parseRoute(href(route))).toEqual(route);
    expect(parseRoute("")).toEqual({ page: "studies" });
    expect(parseRoute("#/studies/x").page).toBe("missing");
    expect(parseRoute("#/studies/3/trials/-1").page).toBe("missing");
  });
});

describe("markdown notes", () => {
  it("parses headings, lists, code and inline marks", () => {
    const blocks = parseMarkdown(
      "# Title\n\nSome **bold** and `code`.\n\n- a\n- b\n\n```\nx < y\n```",
    );
    expect(blocks.map((b) => b.kind)).toEqual(["heading", "paragraph", "list", "code"]);
    expect(blocks[2]).toMatchObject({ kind: "list", ordered: false });
    expect(blocks[3]).toEqual({ kind: "code", text: "x < y" });
    expect(parseInline("a **b** c")).toEqual([
      { kind: "text", text: "a " },
      { kind: "strong", children: [{ kind: "text", text: "b" }] },
      { kind: "text", text: " c" },
    ]);
  });

  it("keeps HTML as text and drops links that are not http(s) or mailto", () => {
    const blocks = parseMarkdown(
      "<script>alert(1)</script> [x](javascript:alert(1)) [ok](https://a.b/c)",
    );
    const inline = blocks[0]!.kind === "paragraph" ? blocks[0]!.children : [];
    expect(inline[0]).toEqual({
      kind: "text",
      text: "<script>alert(1)</script> [x](javascript:alert(1)) ",
    });
    expect(inline[1]).toMatchObject({ kind: "link", href: "https://a.b/c" });
  });
});

describe("CSV export", () => {
  it("quotes separators and quotes, and defuses formula-like text", () => {
    const csv = toCsv(
      ["a", "b"],
      [
        ['x,"y"', -1.5],
        ["=SUM(A1)", null],
      ],
    );
    expect(csv).toBe('a,b\r\n"x,""y""",-1.5\r\n\'=SUM(A1),\r\n');
  });
});

describe("trials from the API", () => {
  const space = paramSpace(["x", "opt"], DISTRIBUTIONS);

  it("turns compact rows into FrozenTrials with external parameter values", () => {
    const trial = toFrozenTrial(
      row(3, {
        values: ["NaN"],
        intermediate: [
          [0, 1],
          [0.5, "-Infinity"],
        ],
        failReason: "boom",
      }),
      space,
    );
    expect(trial.params).toEqual({ x: 3, opt: "sgd" });
    expect(Number.isNaN(trial.values![0]!)).toBe(true);
    expect([...trial.intermediateValues]).toEqual([
      [0, 0.5],
      [1, Number.NEGATIVE_INFINITY],
    ]);
    expect(trial.systemAttrs["fail_reason"]).toBe("boom");
    expect(trial.distributions["opt"]?.kind).toBe("categorical");
    const partial = toFrozenTrial(row(4, { params: [null, 0] }), space);
    expect(Object.keys(partial.distributions)).toEqual(["opt"]);
    expect(num("Infinity")).toBe(Number.POSITIVE_INFINITY);
  });

  it("sorts numerically with missing values last, and filters by state, range and attribute", () => {
    const trials = [
      toFrozenTrial(row(0, { params: [10, 0] }), space),
      toFrozenTrial(row(1, { params: [9, 1], userAttrs: { tag: "Best run" } }), space),
      toFrozenTrial(row(2, { params: [100, 0], state: "FAIL", values: null }), space),
      toFrozenTrial(row(3, { params: [null, 1], state: "RUNNING", values: null }), space),
    ];
    const columns = trialColumns(["minimize"], space, trials);
    const x = columns.find((c) => c.id === "param:x")!;
    expect(sortTrials(trials, x, false).map((t) => t.number)).toEqual([1, 0, 2, 3]);
    expect(sortTrials(trials, x, true).map((t) => t.number)).toEqual([2, 0, 1, 3]);
    const value = columns.find((c) => c.id === "value:0")!;
    expect(sortTrials(trials, value, true).map((t) => t.number)).toEqual([1, 0, 2, 3]);
    expect(columns.some((c) => c.id === "attr:tag")).toBe(true);

    const none = { min: null, max: null };
    expect(applyPlotFilter(trials, { states: ["COMPLETE"], numbers: none })).toHaveLength(2);
    expect(applyPlotFilter(trials, { states: [], numbers: { min: 1, max: 2 } })).toHaveLength(2);
    const ranged = applyTableFilter(trials, {
      states: [],
      numbers: none,
      ranges: [{ key: { kind: "param", name: "x" }, range: { min: 9.5, max: null } }],
      choices: [],
      attrs: [],
    });
    expect(ranged.map((t) => t.number)).toEqual([0, 2]);
    const sgd = applyTableFilter(trials, {
      states: [],
      numbers: none,
      ranges: [],
      choices: [{ name: "opt", label: "sgd" }],
      attrs: [],
    });
    expect(sgd.map((t) => t.number)).toEqual([1, 3]);
    expect(columns.find((c) => c.id === "param:opt")?.choices).toEqual(["adam", "sgd"]);
    const tagged = applyTableFilter(trials, {
      states: [],
      numbers: none,
      ranges: [],
      choices: [],
      attrs: [{ scope: "user", key: "tag", contains: "best" }],
    });
    expect(tagged.map((t) => t.number)).toEqual([1]);
  });
});

describe("live feed", () => {
  it("replaces on reset and merges changed trials by number", () => {
    const feed = new StudyFeed(1, async () => response([], true));
    feed.apply(
      response([row(0), row(1, { state: "RUNNING", values: null, complete: null })], true),
    );
    expect(feed.state.trials.map((t) => t.state)).toEqual(["COMPLETE", "RUNNING"]);
    const version = feed.state.version;
    feed.apply(response([row(1), row(2)], false, "c2"));
    expect(feed.state.trials.map((t) => `${t.number}:${t.state}`)).toEqual([
      "0:COMPLETE",
      "1:COMPLETE",
      "2:COMPLETE",
    ]);
    expect(feed.state.version).toBe(version + 1);
    feed.apply(response([], false, "c3"));
    expect(feed.state.version).toBe(version + 1);
    feed.apply(response([row(5)], true, "c4"));
    expect(feed.state.trials.map((t) => t.number)).toEqual([5]);
  });

  it("polls with the cursor of the previous answer", async () => {
    const seen: (string | null)[] = [];
    const feed = new StudyFeed(1, async (_id, after) => {
      seen.push(after);
      return response(
        after === null ? [row(0)] : [row(seen.length)],
        after === null,
        `c${seen.length}`,
      );
    });
    const stop = feed.subscribe(() => {});
    await new Promise((resolve) => setTimeout(resolve, 1150));
    stop();
    expect(seen.slice(0, 2)).toEqual([null, "c1"]);
    expect(feed.state.trials.length).toBeGreaterThanOrEqual(2);
  });
});
