#!/usr/bin/env node
// The `skipjack` command. In the published package (no src/) it runs the compiled dist/. In a
// source checkout it runs dist/ only while that build is newer than every file under src/
// (node starts it about 0.5 s faster); otherwise, as right after `npm ci`, it runs the
// TypeScript sources through tsx in this same process, so it never needs a build and never
// runs a dist/ older than src/.
import { existsSync, readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = new URL("../", import.meta.url);
const sourceDir = fileURLToPath(new URL("src", root));
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

/** The newest modification time of a file under `dir`. */
function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const time = entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs;
    if (time > newest) newest = time;
  }
  return newest;
}

const hasBuild = existsSync(fileURLToPath(built));
const hasSources = existsSync(fileURLToPath(source));
const buildIsFresh = () => statSync(fileURLToPath(built)).mtimeMs >= newestMtime(sourceDir);

if (hasSources && tsxInstalled() && !(hasBuild && buildIsFresh())) {
  const { register } = await import("tsx/esm/api");
  register();
  await import(source.href);
} else if (hasBuild) {
  await import(built.href);
} else {
  process.stderr.write(
    "skipjack: neither the sources with tsx nor a build were found; run `npm ci` (or `npm run build`) in the package folder.\n",
  );
  process.exit(1);
}
