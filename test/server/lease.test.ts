/**
 * startTrialServer as the command runner uses it: a trial started in this process lent to a
 * child process (Python, through current_trial()), with what the child says heard here.
 */
import { describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../../src/errors/index.js";
import { InMemoryStorage } from "../../src/index.js";
import { startTrialServer } from "../../src/server/server.js";
import { createStudy } from "../../src/study/create.js";
import { runPython } from "./python-client.js";

describe("startTrialServer with lent trials", () => {
  it("lends a trial to a child: suggestions land in the runner's trial, reports and tell are heard", async () => {
    const storage = new InMemoryStorage();
    const study = await createStudy({ storage, studyName: "lent" });
    const server = await startTrialServer({ storage, port: 0, studies: [study] });
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const trial = await study.ask();
      const reports: [number, number][] = [];
      const lease = server.registerTrial(study, trial, {
        onReport: (value, step) => reports.push([value, step]),
      });
      const result = await runPython(
        `
import skipjack_client as sj
t = sj.current_trial()
layers = t.suggest_int("layers", 1, 3)
units = [t.suggest_int("u%d" % i, 8, 64) for i in range(layers)]
for step in range(2):
    t.report(0.5 / (step + 1), step)
t.tell(0.125)
print(layers)
`,
        lease.env as Record<string, string>,
      );
      expect(result.err).toBe("");
      expect(result.code).toBe(0);
      const layers = Number(result.out.trim());
      expect(trial.params["layers"]).toBe(layers);
      expect(Object.keys(trial.params)).toHaveLength(1 + layers);
      expect(reports).toEqual([
        [0.5, 0],
        [0.25, 1],
      ]);
      expect(lease.told()).toEqual({ state: "COMPLETE", values: [0.125] });
      // The runner finishes the trial.
      await study.tell(trial, lease.told()!.values!);
      lease.release();
      const [stored] = await storage.getAllTrials(study.studyId);
      expect(stored!.state).toBe("COMPLETE");
      expect(stored!.params["layers"]).toBe(layers);
      expect([...stored!.intermediateValues]).toEqual([
        [0, 0.5],
        [1, 0.25],
      ]);
    } finally {
      await server.close();
    }
  }, 60_000);

  it("an uncaught TrialPruned in the child tells the trial PRUNED", async () => {
    const storage = new InMemoryStorage();
    const study = await createStudy({ storage, studyName: "p" });
    const server = await startTrialServer({ storage, port: 0 });
    try {
      const trial = await study.ask();
      const lease = server.registerTrial(study, trial);
      const result = await runPython(
        "import skipjack_client as sj\nsj.current_trial().report(1.0, 0)\nraise sj.TrialPruned()\n",
        lease.env as Record<string, string>,
      );
      expect(result.code).toBe(0);
      expect(lease.told()).toEqual({ state: "PRUNED", values: null });
    } finally {
      await server.close();
    }
  }, 60_000);

  it("refuses a non-loopback host without a token, and a request without any token", async () => {
    const storage = new InMemoryStorage();
    await expect(startTrialServer({ storage, host: "0.0.0.0", port: 0 })).rejects.toThrow(
      InvalidArgumentError,
    );
    const server = await startTrialServer({ storage, port: 0 });
    await expect(startTrialServer({ storage, port: server.port })).rejects.toThrow(
      /port is in use; pick another/,
    );
    try {
      // Without a server token, only a lent trial's own token opens anything.
      const answer = await fetch(`${server.url}/api/v1/studies`, {
        method: "POST",
        body: JSON.stringify({ name: "x" }),
      });
      expect(answer.status).toBe(401);
      expect(((await answer.json()) as { error: { code: string } }).error.code).toBe(
        "unauthorized",
      );
    } finally {
      await server.close();
    }
  });
});
