import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), "../../src");

/** Every module `entry` imports at run time, transitively (type-only imports excluded). */
function runtimeImports(entry: string): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    const source = readFileSync(file, "utf8");
    const specifiers: string[] = [];
    const pattern = /^\s*(?:import|export)\s+(?!type\s)(?:[^"';]*?\sfrom\s+)?["']([^"']+)["']/gm;
    for (const match of source.matchAll(pattern)) specifiers.push(match[1]!);
    for (const match of source.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g))
      specifiers.push(match[1]!);
    seen.set(file, specifiers);
    for (const s of specifiers) {
      if (s.startsWith(".")) visit(join(dirname(file), s.replace(/\.js$/, ".ts")));
    }
  };
  visit(entry);
  return seen;
}

describe("skipjack/visualization in a browser bundle", () => {
  it("imports no Node.js module, directly or through the modules it uses", () => {
    const graph = runtimeImports(join(SRC, "visualization/index.ts"));
    expect(graph.size).toBeGreaterThan(20);
    const offending = [...graph].flatMap(([file, specs]) =>
      specs
        .filter((s) => s.startsWith("node:") || !s.startsWith("."))
        .map((s) => `${file.slice(SRC.length)} imports ${s}`),
    );
    expect(offending).toEqual([]);
    expect([...graph.keys()].some((f) => f.endsWith("visualization/node.ts"))).toBe(false);
  });

  it("keeps Node.js to node.ts among the visualization modules", () => {
    const graph = runtimeImports(join(SRC, "visualization/node.ts"));
    const nodeUsers = [...graph]
      .filter(
        ([file, specs]) =>
          file.includes("/visualization/") && specs.some((s) => s.startsWith("node:")),
      )
      .map(([file]) => file.slice(SRC.length));
    expect(nodeUsers).toEqual(["/visualization/node.ts"]);
  });
});
