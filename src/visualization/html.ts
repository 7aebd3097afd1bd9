/**
 * Figures as one self-contained HTML page: Plotly's JavaScript inlined (no network needed to
 * open it) and the figures as JSON data, never as markup. Pure string work, so it runs in a
 * browser too; `skipjack/visualization/node` reads Plotly's file and writes the page.
 */
import type { PlotlyFigure } from "./types.js";

/** Options of `figureHtml`. */
export interface HtmlPageOptions {
  /** The source of plotly.js (e.g. `plotly.js-dist-min/plotly.min.js`), inlined in the page. */
  plotlyJs: string;
  /** The page title (text). Default "skipjack figure". */
  title?: string;
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/**
 * JSON safe inside a <script> element: "<" written as \u003c so that no text of the data can
 * close the element, and the line separators JavaScript once rejected escaped too.
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/** Script source safe inside a <script> element (no "</script" can end it early). */
export function inlineScript(source: string): string {
  return source.replace(/<\/script/gi, "<\\/script");
}

/**
 * The script that draws the figures of the JSON element `id` into the elements named by
 * their `data-figure` index. Plotly's config: responsive, no link to Plotly's cloud.
 */
export function drawScript(id: string): string {
  return `(function () {
  var figures = JSON.parse(document.getElementById(${JSON.stringify(id)}).textContent);
  var targets = document.querySelectorAll("[data-figure]");
  for (var i = 0; i < targets.length; i++) {
    var figure = figures[Number(targets[i].getAttribute("data-figure"))];
    Plotly.newPlot(targets[i], figure.data, figure.layout, {
      responsive: true, displaylogo: false, showLink: false, showSendToCloud: false
    });
  }
})();`;
}

/** One figure as a self-contained HTML page (see `writeHtml` in `skipjack/visualization/node`). */
export function figureHtml(figure: PlotlyFigure, options: HtmlPageOptions): string {
  const pageTitle = escapeHtml(options.title ?? "skipjack figure");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${pageTitle}</title>
<style>html, body { margin: 0; height: 100%; } .figure { width: 100%; height: 100vh; }</style>
</head>
<body>
<div class="figure" data-figure="0"></div>
<script>${inlineScript(options.plotlyJs)}</script>
<script type="application/json" id="skipjack-figures">${scriptJson([figure])}</script>
<script>${drawScript("skipjack-figures")}</script>
</body>
</html>
`;
}
