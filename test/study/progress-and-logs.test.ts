import { PassThrough } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { createStudy, RandomSampler, setVerbosity, Verbosity } from "../../src/index.js";
import { setLogSink } from "../../src/logging/index.js";

afterEach(() => {
  setLogSink(undefined);
  setVerbosity(Verbosity.ERROR);
});

function fakeTerminal(): {
  stream: PassThrough & { isTTY: boolean; columns: number };
  text: () => string;
} {
  const stream = Object.assign(new PassThrough(), { isTTY: true, columns: 120 });
  let text = "";
  stream.on("data", (d: Buffer) => {
    text += d.toString();
  });
  return { stream, text: () => text };
}

describe("log lines", () => {
  it("prints one Optuna-style line per finished trial at INFO", async () => {
    const lines: string[] = [];
    setLogSink((line) => lines.push(line));
    setVerbosity(Verbosity.INFO);
    const study = await createStudy({ sampler: new RandomSampler({ seed: 1 }) });
    await study.optimize(
      (t) => (t.number === 1 ? Number.NaN : t.suggestInt("n", 0, 0) + t.number),
      {
        nTrials: 3,
        showProgressBar: false,
        handleSigint: false,
      },
    );
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(
      /^\[I \d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}\] Trial 0 finished with value: 0 and parameters: \{"n": 0\}\. Best is trial 0 with value: 0\.$/,
    );
    expect(lines[1]).toMatch(
      /^\[W .*\] Trial 1 failed because of the following error: The objective returned NaN\.$/,
    );
    expect(lines[2]).toMatch(/Trial 2 finished with value: 2 .* Best is trial 0 with value: 0\.$/);
  });

  it("is quiet at WARNING", async () => {
    const lines: string[] = [];
    setLogSink((line) => lines.push(line));
    setVerbosity(Verbosity.WARNING);
    const study = await createStudy();
    await study.optimize(() => 1, { nTrials: 3, showProgressBar: false, handleSigint: false });
    expect(lines).toEqual([]);
  });
});

describe("progress bar", () => {
  it("shows trials done of the total and the best value on a terminal", async () => {
    setVerbosity(Verbosity.INFO);
    const terminal = fakeTerminal();
    const study = await createStudy({ direction: "maximize" });
    await study.optimize((t) => t.number * 2, {
      nTrials: 4,
      showProgressBar: true,
      progressStream: terminal.stream,
      handleSigint: false,
    });
    const text = terminal.text();
    expect(text).toContain("4/4 trials");
    expect(text).toContain("best: 6");
    expect(text).toMatch(/100%/);
    // Log lines go above the bar, through the same stream.
    expect(text).toContain("Trial 3 finished with value: 6");
  });

  it("counts time when only a timeout is given", async () => {
    const terminal = fakeTerminal();
    const study = await createStudy();
    await study.optimize(() => new Promise<number>((r) => setTimeout(() => r(1), 20)), {
      timeout: 0.1,
      showProgressBar: true,
      progressStream: terminal.stream,
      handleSigint: false,
    });
    expect(terminal.text()).toMatch(/00:00\/00:00/);
    expect(terminal.text()).toContain("best: 1");
  });

  it("is off by default when standard error is not a terminal", async () => {
    const lines: string[] = [];
    setLogSink((line) => lines.push(line));
    const study = await createStudy();
    const before = process.stderr.isTTY;
    await study.optimize(() => 1, { nTrials: 1, handleSigint: false });
    expect(before).not.toBe(true);
    expect(lines.join("\n")).not.toContain("trials |");
  });
});
