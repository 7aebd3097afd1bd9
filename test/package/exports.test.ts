import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, root } from "./built.js";

describe("the published package", () => {
  beforeAll(ensureBuilt, 180_000);

  it('resolves `import { createStudy } from "skipjack"` through the exports map', () => {
    const script = `
      import { createStudy, RandomSampler } from "skipjack";
      const study = await createStudy({ sampler: new RandomSampler({ seed: 1 }) });
      await study.optimize((t) => t.suggestFloat("x", 0, 1), { nTrials: 3, showProgressBar: false });
      console.log((await study.trials()).length);`;
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
      cwd: root,
      encoding: "utf8",
      env: { ...process.env, SKIPJACK_LOG_LEVEL: "WARNING" },
    });
    expect(out.trim()).toBe("3");
  });

  it("resolves the TensorFlow.js subpath `skipjack/tfjs`", () => {
    const script = `
      import { buildMlp, makeOptimizer } from "skipjack/tfjs";
      console.log(typeof buildMlp, typeof makeOptimizer);`;
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
      cwd: root,
      encoding: "utf8",
    });
    expect(out.trim().split("\n").at(-1)).toBe("function function");
  });

  it("ships type declarations and an executable command", () => {
    expect(existsSync(`${root}dist/index.d.ts`)).toBe(true);
    const version = execFileSync(`${root}dist/cli/main.js`, ["--version"], { encoding: "utf8" });
    expect(version.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
