/**
 * Builds the dashboard's browser app into dist/dashboard/ (`npm run build` runs it after tsc).
 * Plotly is not bundled: the dashboard server serves plotly.js-dist-min at /vendor/plotly.min.js,
 * so the bundle stays small and the package ships Plotly once; plotly.ts loads it on demand.
 */
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const root = fileURLToPath(new URL(".", import.meta.url));

// Always React's production build, also when a test runner (vitest sets NODE_ENV=test) runs
// this build: the JSX transform and React's entry points read NODE_ENV.
process.env["NODE_ENV"] = "production";

export default defineConfig({
  root,
  mode: "production",
  define: { "process.env.NODE_ENV": JSON.stringify("production") },
  // Absolute asset paths: the server answers every page path with this index.html.
  base: "/",
  plugins: [react()],
  logLevel: "warn",
  build: {
    outDir: fileURLToPath(new URL("../../dist/dashboard", import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
  },
});
