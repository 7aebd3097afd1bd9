import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { binaryModuleSource, compileKernels } from "../../scripts/build-wasm.js";
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

  it("grows its memory on demand and keeps the contents", () => {
    const kernels = wasmKernels()!;
    const small = kernels.reserve(16);
    small[3] = 42;
    const large = kernels.reserve(1 << 20);
    expect(large.length).toBeGreaterThanOrEqual(1 << 20);
    expect(large[3]).toBe(42);
  });
});
