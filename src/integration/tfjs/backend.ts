/**
 * Backend selection for TensorFlow.js on Node: the WebAssembly backend (SIMD, single thread)
 * when `@tensorflow/tfjs-backend-wasm` is installed, else the pure-JavaScript "cpu" backend.
 * A backend the user already chose (e.g. "tensorflow" from `@tensorflow/tfjs-node`) is kept.
 */
import { createRequire } from "node:module";
import { dirname } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { logger } from "../../logging/index.js";

/** Options of `useWasmBackend`. */
export interface UseWasmBackendOptions {
  /**
   * Switch to wasm even when another non-cpu backend is active (e.g. "tensorflow").
   * Default false: a backend set up by the user is kept.
   */
  force?: boolean;
  /**
   * Folder holding the `.wasm` binaries (with a trailing slash). Default: the `dist/` folder of
   * the installed `@tensorflow/tfjs-backend-wasm` package.
   */
  wasmPath?: string;
}

let wasmPathsSet = false;

/** The folder of the installed wasm backend's binaries, or undefined when it is not installed. */
function defaultWasmFolder(): string | undefined {
  try {
    const require = createRequire(import.meta.url);
    return `${dirname(require.resolve("@tensorflow/tfjs-backend-wasm"))}/`;
  } catch {
    return undefined;
  }
}

/**
 * Sets up the fastest TensorFlow.js backend available without native binaries and returns
 * its name:
 *
 * 1. a backend already active other than "cpu" (e.g. "tensorflow" from tfjs-node, "wasm") is
 *    kept (unless `force`); a registered but idle "tensorflow" backend is used;
 * 2. else the wasm backend is loaded from `@tensorflow/tfjs-backend-wasm` (an optional peer
 *    dependency), with its binaries' path set for Node;
 * 3. if that fails (not installed, no WebAssembly), "cpu" is used and a warning says why.
 *
 * The wasm backend is about 3–5× faster than "cpu" for small dense networks.
 */
export async function useWasmBackend(options: UseWasmBackendOptions = {}): Promise<string> {
  const current = tf.engine().backendName as string | null | undefined;
  if (!options.force) {
    if (current != null && current !== "cpu") return current;
    if (current == null && tf.findBackendFactory("tensorflow") != null) {
      if (await tf.setBackend("tensorflow")) return "tensorflow";
    }
  }
  if (current === "wasm") return "wasm";
  let reason: string;
  try {
    const wasm = await import("@tensorflow/tfjs-backend-wasm");
    const folder = options.wasmPath ?? defaultWasmFolder();
    if (!wasmPathsSet && folder !== undefined) {
      try {
        wasm.setWasmPaths(folder);
        wasmPathsSet = true;
      } catch {
        // Already initialized once: the paths are in place.
        wasmPathsSet = true;
      }
    }
    if (await tf.setBackend("wasm")) {
      await tf.ready();
      return "wasm";
    }
    reason = "the wasm backend failed to initialize";
  } catch (error) {
    reason =
      error instanceof Error && /Cannot find (module|package)/.test(error.message)
        ? "@tensorflow/tfjs-backend-wasm is not installed (npm install @tensorflow/tfjs-backend-wasm)"
        : `the wasm backend failed: ${error instanceof Error ? error.message : String(error)}`;
  }
  logger.warn(`useWasmBackend: ${reason}; using the slower "cpu" backend.`);
  await tf.setBackend("cpu");
  await tf.ready();
  return "cpu";
}
