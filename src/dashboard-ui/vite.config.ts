/**
 * Builds the dashboard's browser app into dist/dashboard/ (`npm run build` runs it after tsc).
 * Plotly is not bundled: the dashboard server serves plotly.js-dist-min at /vendor/plotly.min.js,
 * so the bundle stays small and the package ships Plotly once.
 */
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig, type Plugin } from "vite";

const root = fileURLToPath(new URL(".", import.meta.url));

/**
 * Adds the classic <script> of the served Plotly bundle, which Vite leaves to the server. It is
 * async: pages without figures render before its 3.5 MB have been parsed, and figures wait.
 */
const plotlyScript: Plugin = {
  name: "skipjack-plotly-script",
  transformIndexHtml: () => [
    {
      tag: "script",
      attrs: { src: "/vendor/plotly.min.js", id: "plotly-script", async: true },
      injectTo: "head",
    },
  ],
};

export default defineConfig({
  root,
  // Absolute asset paths: the server answers every page path with this index.html.
  base: "/",
  plugins: [react(), plotlyScript],
  logLevel: "warn",
  build: {
    outDir: fileURLToPath(new URL("../../dist/dashboard", import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
  },
});
