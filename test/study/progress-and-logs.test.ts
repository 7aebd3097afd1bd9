import { spawnSync } from "node:child_process";
import { PassThrough, Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import {
  createStudy,
  getVerbosity,
  InvalidArgumentError,
  RandomSampler,
  setVerbosity,
  Verbosity,
} from "../../src/index.js";
import { logger, setLogSink } from "../../src/logging/index.js";

const logging = fileURLToPath(new URL("../../src/logging/index.ts", import.meta.url));

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

/** A terminal that records each write as it happens (no stream buffering in between). */
function recordingTerminal(): {
  stream: Writable & { isTTY: boolean; columns: number };
  text: () => string;
} {
  let text = "";
  const stream = Object.assign(
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        text += chunk.toString();
        callback();
      },
    }),
    { isTTY: true, columns: 120 },
  );
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

describe("setVerbosity", () => {
  it("takes level names in any case, as Optuna's levels are named", () => {
    const lines: string[] = [];
    setLogSink((line) => lines.push(line));
    setVerbosity("warning");
    expect(getVerbosity()).toBe(Verbosity.WARNING);
    logger.info("hidden");
    logger.warn("shown");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\[W .*\] shown$/);
    const names = { DEBUG: 10, info: 20, Warn: 30, ERROR: 40, critical: 50, fatal: 50 } as const;
    for (const [name, level] of Object.entries(names)) {
      setVerbosity(name as "debug");
      expect(getVerbosity()).toBe(level);
    }
    setVerbosity(Verbosity.INFO);
    expect(getVerbosity()).toBe(Verbosity.INFO);
  });

  it("reads SKIPJACK_LOG_LEVEL by name, and says so when it is not a level", () => {
    const level = (value: string) =>
      spawnSync(
        process.execPath,
        [
          "--import",
          "tsx",
          "--input-type=module",
          "-e",
          `const { getVerbosity } = await import(${JSON.stringify(logging)}); console.log(getVerbosity());`,
        ],
        { encoding: "utf8", env: { ...process.env, SKIPJACK_LOG_LEVEL: value } },
      );
    expect(level("warning").stdout.trim()).toBe("30");
    expect(level("Error").stdout.trim()).toBe("40");
    const bad = level("loud");
    expect(bad.stdout.trim()).toBe("20");
    expect(bad.stderr).toContain("SKIPJACK_LOG_LEVEL=loud is not a level");
  });

  it("rejects unknown levels with a typed error and keeps the current one", () => {
    setVerbosity(Verbosity.ERROR);
    for (const bad of ["verbose", "", 25, Number.NaN, undefined, null, {}]) {
      expect(() => setVerbosity(bad as unknown as Verbosity)).toThrow(InvalidArgumentError);
    }
    expect(() => setVerbosity("loud" as "info")).toThrow(/Unknown verbosity level "loud"/);
    expect(getVerbosity()).toBe(Verbosity.ERROR);
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

  it("draws each finished trial and its log line at once, even when the event loop never idles", async () => {
    // Synchronous training (TF.js on the wasm backend) gives timers no chance to run: what a
    // trial prints must reach the terminal before the next trial starts, not on a timer.
    setVerbosity(Verbosity.INFO);
    const terminal = recordingTerminal();
    const seen: string[] = [];
    const study = await createStudy({ direction: "maximize" });
    await study.optimize(
      (t) => {
        seen.push(terminal.text());
        return t.number;
      },
      { nTrials: 3, showProgressBar: true, progressStream: terminal.stream, handleSigint: false },
    );
    expect(seen[1]).toContain("Trial 0 finished with value: 0");
    expect(seen[1]).toContain("1/3 trials");
    expect(seen[2]).toContain("Trial 1 finished with value: 1");
    expect(seen[2]).toContain("2/3 trials");
    expect(seen[2]).toContain("best: 1");
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
