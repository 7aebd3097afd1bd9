import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { escapeHtml, figureHtml, scriptJson } from "../../src/visualization/html.js";
import type { PlotlyFigure } from "../../src/visualization/index.js";
import { plotlyJs, writeHtml, writeReport } from "../../src/visualization/node.js";
import { fixtureStudy } from "./fixtures.js";

const HOSTILE = "</script><script>alert(1)</script><!--";

describe("HTML pages", () => {
  it("keep data inside its script element and escape text", () => {
    const json = scriptJson({ name: HOSTILE, line: "\u2028" });
    expect(json).not.toContain("<");
    expect(JSON.parse(json)).toEqual({ name: HOSTILE, line: "\u2028" });
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe(
      "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;",
    );
    const figure: PlotlyFigure = {
      data: [{ type: "scatter", name: HOSTILE, x: [1], y: [2] }],
      layout: {},
    };
    const html = figureHtml(figure, { plotlyJs: "/* plotly */", title: HOSTILE });
    // Exactly the page's own three script elements: none opened or closed by the data.
    expect(html.match(/<script/g)).toHaveLength(3);
    expect(html.match(/<\/script>/g)).toHaveLength(3);
    expect(html).toContain("<title>&lt;/script&gt;");
  });

  it("writeHtml and writeReport write one file with Plotly inlined", async () => {
    const dir = mkdtempSync(join(tmpdir(), "skipjack-html-"));
    try {
      const study = fixtureStudy({ trials: 60 });
      const path = join(dir, "figure.html");
      await writeHtml({ data: [{ type: "bar", x: [1], y: [2] }], layout: {} }, path);
      const html = readFileSync(path, "utf8");
      expect(plotlyJs().length).toBeGreaterThan(1_000_000);
      expect(html).toContain(plotlyJs().slice(0, 200));
      expect(html).not.toMatch(/<script[^>]*\ssrc=/);
      const report = join(dir, "report.html");
      await writeReport(study, report, { now: new Date(Date.UTC(2026, 0, 2)) });
      const text = readFileSync(report, "utf8");
      expect(text).toContain("Report made 2026-01-02 00:00:00 UTC");
      expect(text).not.toContain(study.studyName);
      expect(text).toContain(escapeHtml(study.studyName));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
