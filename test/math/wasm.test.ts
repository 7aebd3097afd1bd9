import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { binaryModuleSource, compileKernels } from "../../scripts/build-wasm.js";
import {
  factorize,
  inverseFromPackedInverseFactor,
  invertLowerPacked,
} from "../../src/math/linalg/cholesky.js";
import { Rng } from "../../src/math/rng.js";
import { wasmKernels } from "../../src/math/wasm/kernels.js";

describe("WebAssembly kernels", () => {
  it("embed exactly the module compiled from kernels.wat (run `npm run build:wasm` if not)", async () => {
    const committed = readFileSync(
      new URL("../../src/math/wasm/kernels-binary.ts", import.meta.url),
      "utf8",
    );
    expect(committed).toBe(binaryModuleSource(await compileKernels()));
  });

  it("variance8 computes ‖L⁻¹k‖² with the scalar loop's exact operations", () => {
    const kernels = wasmKernels();
    expect(kernels).not.toBeNull();
    const rng = new Rng(3);
    for (const n of [1, 2, 3, 8, 17]) {
      const packed = (n * (n + 1)) / 2;
      const rowsAt = packed + (packed & 1);
      const outAt = rowsAt + 8 * n;
      const memory = kernels!.reserve(outAt + 8);
      for (let i = 0; i < outAt; i++) memory[i] = rng.normal();
      kernels!.variance8(0, n, rowsAt, outAt);
      for (let b = 0; b < 8; b++) {
        let expected = 0;
        for (let i = 0, p = 0; i < n; i++, p += i) {
          let sum = 0;
          for (let k = 0; k <= i; k++) sum += memory[p + k] * memory[rowsAt + 8 * k + b];
          expected += sum * sum;
        }
        expect(memory[outAt + b]).toBe(expected);
      }
    }
  });

  it("factorize and invert as cholesky.ts does, operation for operation", () => {
    const kernels = wasmKernels()!;
    const rng = new Rng(5);
    for (const n of [1, 2, 3, 4, 5, 6, 7, 16, 17]) {
      // A kernel matrix (constant diagonal) of random points on a line.
      const points = Array.from({ length: n }, () => 3 * rng.random());
      const diagonal = 1.01;
      const dense = new Float64Array(n * n);
      const packed = (n * (n - 1)) / 2;
      const aAt = 0;
      const lAt = packed + (packed & 1);
      const invAt = lAt + n * n;
      const xAt = invAt + (n * (n + 1)) / 2 + 1;
      const yAt = xAt + n;
      const kAt = yAt + n;
      const tAt = kAt + n * n;
      const memory = kernels.reserve(tAt + n * n);
      for (let i = 0, p = 0; i < n; i++) {
        for (let j = 0; j < i; j++, p++) {
          const value = Math.exp(-((points[i] - points[j]) ** 2));
          dense[i * n + j] = value;
          memory[aAt + p] = value;
        }
        dense[i * n + i] = diagonal;
      }
      expect(kernels.cholesky(aAt, diagonal, n, lAt)).toBe(true);
      const l = new Float64Array(n * n);
      expect(factorize(dense, n, 0, l)).toBe(true);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j <= i; j++) expect(memory[lAt + i * n + j]).toBe(l[i * n + j]);
      }
      kernels.invertLower(lAt, n, invAt, xAt, yAt);
      const inverse = invertLowerPacked(l, n);
      expect(Array.from(memory.subarray(invAt, invAt + inverse.length))).toEqual(
        Array.from(inverse),
      );
      kernels.inverseLower(invAt, n, kAt, tAt);
      const full = inverseFromPackedInverseFactor(inverse, n);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j <= i; j++) expect(memory[kAt + i * n + j]).toBe(full[i * n + j]);
      }
      // Not positive definite: a diagonal far below the off-diagonal entries.
      if (n > 1) expect(kernels.cholesky(aAt, 0.01, n, lAt)).toBe(false);
    }
  });

  it("grows its memory on demand and keeps the contents", () => {
    const kernels = wasmKernels()!;
    const small = kernels.reserve(16);
    small[3] = 42;
    const large = kernels.reserve(1 << 20);
    expect(large.length).toBeGreaterThanOrEqual(1 << 20);
    expect(large[3]).toBe(42);
  });
});
