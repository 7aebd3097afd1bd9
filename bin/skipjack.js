#!/usr/bin/env node
// The `skipjack` command. In a source checkout (src/ present and tsx installed, as after
// `npm ci`) it runs the TypeScript sources through tsx in this same process, so it works
// without a build and never runs a dist/ older than src/. In the published package (no src/)
// it runs the compiled dist/.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const root = new URL("../", import.meta.url);
const source = new URL("src/cli/main.ts", root);
const built = new URL("dist/cli/main.js", root);

function tsxInstalled() {
  try {
    createRequire(import.meta.url).resolve("tsx/esm/api");
    return true;
  } catch {
    return false;
  }
}

if (existsSync(fileURLToPath(source)) && tsxInstalled()) {
  const { register } = await import("tsx/esm/api");
  register();
  await import(source.href);
} else if (existsSync(fileURLToPath(built))) {
  await import(built.href);
} else {
  process.stderr.write(
    "skipjack: neither the sources with tsx nor a build were found; run `npm ci` (or `npm run build`) in the package folder.\n",
  );
  process.exit(1);
}
