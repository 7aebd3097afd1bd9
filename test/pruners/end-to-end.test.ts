import { describe, expect, it } from "vitest";
import {
  createStudy,
  HyperbandPruner,
  type Pruner,
  RandomSampler,
  SuccessiveHalvingPruner,
  setVerbosity,
  TrialPruned,
  TrialState,
  Verbosity,
} from "../../src/index.js";

setVerbosity(Verbosity.ERROR);
const quiet = { showProgressBar: false, handleSigint: false } as const;
const EPOCHS = 27;

/**
 * A learning curve for a "learning rate": the final loss grows with the distance of log10(lr)
 * from −2; loss(t) = final + (1 − final)·e^(−t/4), so curves never cross and early losses rank
 * trials as their final ones do. Learning rates above 0.3 diverge (the loss grows).
 */
function loss(lr: number, epoch: number): number {
  if (lr > 0.3) return 1 + 0.2 * epoch;
  const final = Math.min(0.95, 0.05 + 0.15 * Math.abs(Math.log10(lr) + 2));
  return final + (1 - final) * Math.exp(-epoch / 4);
}

async function runStudy(pruner: Pruner, concurrency: number) {
  // A fixed name: Hyperband assigns brackets from a hash of the study name and trial number,
  // so an unnamed study (a random name) would give another scenario on every run.
  const study = await createStudy({
    studyName: "end-to-end",
    sampler: new RandomSampler({ seed: 3 }),
    pruner,
  });
  await study.optimize(
    async (trial) => {
      const lr = trial.suggestFloat("lr", 1e-5, 1, { log: true });
      for (let epoch = 0; epoch < EPOCHS; epoch++) {
        await trial.report(loss(lr, epoch), epoch);
        if (await trial.shouldPrune()) throw new TrialPruned();
      }
      return loss(lr, EPOCHS - 1);
    },
    { nTrials: 60, concurrency, ...quiet },
  );
  return study;
}

describe.each([
  ["SuccessiveHalvingPruner", () => new SuccessiveHalvingPruner({ minResource: 1 }), 1],
  ["SuccessiveHalvingPruner (auto)", () => new SuccessiveHalvingPruner(), 1],
  ["HyperbandPruner", () => new HyperbandPruner({ maxResource: EPOCHS }), 1],
  ["HyperbandPruner, 4 at once", () => new HyperbandPruner(), 4],
])("%s in a study", (_, makePruner, concurrency) => {
  it("prunes clearly bad learning curves and keeps good ones", async () => {
    const study = await runStudy(makePruner(), concurrency);
    const trials = await study.trials();
    const pruned = trials.filter((t) => t.state === TrialState.PRUNED);
    const complete = trials.filter((t) => t.state === TrialState.COMPLETE);
    expect(trials).toHaveLength(60);
    expect(pruned.length).toBeGreaterThan(25);
    // Every diverging curve is stopped early, unless nothing came before it to compare with
    // (no trial of the study, or of its Hyperband bracket, that had finished when it started
    // recorded a rung: with "auto", as in Optuna, trials that finished before the pruner knew
    // the rungs record none, and trials running side by side may decide before seeing each
    // other's rungs), or it is in Hyperband's last bracket, whose first rung is at the maximum
    // resource (it runs every trial to the end, as random search does).
    const pruner = study.pruner;
    const snapshot = await study.snapshot();
    const bracketOf = (n: number) =>
      pruner instanceof HyperbandPruner ? pruner.bracketOf(snapshot, trials[n]!) : 0;
    for (const t of trials) {
      if ((t.params["lr"] as number) <= 0.3 || t.number <= 3) continue;
      const recordedBefore = (u: (typeof trials)[number]) =>
        u.datetimeComplete !== null &&
        u.datetimeComplete.getTime() < t.datetimeStart!.getTime() &&
        bracketOf(u.number) === bracketOf(t.number) &&
        "completed_rung_0" in u.systemAttrs;
      if (!trials.some(recordedBefore)) {
        continue;
      }
      if (pruner instanceof HyperbandPruner) {
        if (bracketOf(t.number) === pruner.brackets(snapshot)!.nBrackets - 1) continue;
      }
      expect(t.state, `trial ${t.number}`).toBe(TrialState.PRUNED);
    }
    // The best learning rate tried runs to the end.
    const finals = trials.map((t) => loss(t.params["lr"] as number, EPOCHS - 1));
    const bestTried = finals.indexOf(Math.min(...finals));
    expect(trials[bestTried]!.state).toBe(TrialState.COMPLETE);
    // Pruned trials are worse than the best one (a learning curve ranks them right).
    const bestValue = Math.min(...complete.map((t) => t.value!));
    for (const t of pruned) expect(finals[t.number]!).toBeGreaterThan(bestValue);
    // Pruned trials stopped early and saved most of their epochs.
    const epochs = pruned.reduce((sum, t) => sum + t.intermediateValues.size, 0);
    expect(epochs / pruned.length).toBeLessThan(EPOCHS / 2);
  });
});
