/**
 * src/importance runs in the browser (the dashboard computes importances there): the modules
 * it loads at run time import no Node.js module or package and read no `process`.
 */
import { readFileSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** The modules reachable from `entry` through value (not type-only) imports. */
function runtimeModules(entry: string): Map<string, string> {
  const seen = new Map<string, string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    const source = readFileSync(file, "utf8");
    seen.set(file, source);
    const imports = source.matchAll(/^(?:import|export)\s+(?!type\b)[^;]*?from\s+"([^"]+)"/gms);
    for (const [, specifier] of imports) {
      if (!specifier!.startsWith(".")) {
        throw new Error(`${relative(root, file)} imports ${specifier}`);
      }
      visit(resolve(dirname(file), specifier!.replace(/\.js$/, ".ts")));
    }
  };
  visit(entry);
  return seen;
}

it("loads only browser-safe modules", () => {
  const modules = runtimeModules(resolve(root, "src/importance/index.ts"));
  expect(modules.size).toBeGreaterThan(15);
  for (const [file, source] of modules) {
    expect(source, relative(root, file)).not.toMatch(/\bprocess\.|from "node:/);
  }
});
