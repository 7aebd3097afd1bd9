/**
 * The dashboard's browser files: the single-page app built into dist/dashboard/ by
 * `npm run build`, and Plotly from the installed plotly.js-dist-min package at
 * /vendor/plotly.min.js, so pages never load anything from another site.
 */
import { existsSync, realpathSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, extname, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".webp": "image/webp",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
};

/** The page served when the UI was not built. */
export const NOT_BUILT_HTML =
  '<!doctype html><meta charset="utf-8"><title>skipjack dashboard</title><p>The dashboard UI is not built: run <code>npm run build</code> in the skipjack checkout, then reload.</p>\n';

/** A file to answer with. */
export interface StaticFile {
  body: Uint8Array | string;
  type: string;
  /** Cache-Control value. */
  cache: string;
}

/** The package's root: the nearest folder above this module with a package.json. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return dir;
}

/** dist/dashboard/ of this package (where `npm run build` puts the UI). */
export function defaultUiDir(): string {
  return join(packageRoot(), "dist", "dashboard");
}

/** Plotly's minified bundle in node_modules, or null when the package is missing. */
function plotlyPath(): string | null {
  try {
    return createRequire(import.meta.url).resolve("plotly.js-dist-min");
  } catch {
    return null;
  }
}

/** Serves the UI folder and Plotly. */
export class StaticFiles {
  private plotly: Promise<Uint8Array | null> | null = null;
  private readonly root: string;

  constructor(uiDir: string = defaultUiDir()) {
    this.root = resolve(uiDir);
  }

  /** Plotly's bundle, read once. */
  async vendorPlotly(): Promise<StaticFile | null> {
    this.plotly ??= (async () => {
      const path = plotlyPath();
      return path === null ? null : new Uint8Array(await readFile(path));
    })();
    const body = await this.plotly;
    if (body === null) return null;
    return { body, type: TYPES[".js"]!, cache: "public, max-age=86400" };
  }

  /**
   * The file for a URL path: a file of the UI folder, or index.html for any path without an
   * extension (client-side routes), or the not-built page; null for a missing asset.
   */
  async file(urlPath: string): Promise<StaticFile | null> {
    const index = join(this.root, "index.html");
    if (!existsSync(index)) {
      return { body: NOT_BUILT_HTML, type: TYPES[".html"]!, cache: "no-cache" };
    }
    let relative: string;
    try {
      relative = decodeURIComponent(urlPath).replace(/^\/+/, "");
    } catch {
      return null;
    }
    if (relative === "" || relative.endsWith("/")) relative += "index.html";
    const path = resolve(this.root, relative);
    // Nothing outside the folder, no hidden files.
    if (!path.startsWith(this.root + sep) || relative.split("/").some((p) => p.startsWith("."))) {
      return null;
    }
    const found = await this.read(path);
    if (found !== null) return found;
    if (extname(relative) !== "") return null;
    return this.read(index);
  }

  private async read(path: string): Promise<StaticFile | null> {
    try {
      if (!(await stat(path)).isFile()) return null;
      // A link out of the folder is not served.
      if (!realpathSync(path).startsWith(realpathSync(this.root) + sep)) return null;
      const body = new Uint8Array(await readFile(path));
      const ext = extname(path);
      const hashed = path.includes(`${sep}assets${sep}`);
      return {
        body,
        type: TYPES[ext] ?? "application/octet-stream",
        // Vite names assets by content hash: they never change under one name.
        cache: hashed ? "public, max-age=31536000, immutable" : "no-cache",
      };
    } catch {
      return null;
    }
  }
}
