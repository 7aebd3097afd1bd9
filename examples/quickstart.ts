/**
 * Quick start: tune softmax regression on the digits dataset, first with random search, then
 * with a grid around the usual values; retrain the winner on train+validation and evaluate it
 * once on the held-out test set.  Run it with `npm start`.
 */
import { fileURLToPath, pathToFileURL } from "node:url";
import {
  concatDatasets,
  createStudy,
  GridSampler,
  loadCsv,
  MedianPruner,
  type Params,
  RandomSampler,
  standardizeSplit,
  type Trial,
  TrialPruned,
  trainValidationTestSplit,
} from "skipjack";
import { type SoftmaxConfig, SoftmaxRegression } from "./lib/softmax.js";

export interface QuickstartOptions {
  randomTrials?: number;
  seed?: number;
  showProgressBar?: boolean;
}

export interface QuickstartResult {
  randomBest: { value: number; params: Params; pruned: number; trials: number };
  gridBest: { value: number; params: Params; trials: number };
  testAccuracy: number;
}

export async function runQuickstart(options: QuickstartOptions = {}): Promise<QuickstartResult> {
  const seed = options.seed ?? 42;
  const data = await loadCsv(fileURLToPath(new URL("../data/digits.csv.gz", import.meta.url)), {
    dtype: "float64",
  });
  // 60% train, 20% validation (model selection), 20% test (touched once at the end),
  // stratified; each part standardized with statistics of its training rows only.
  const split = trainValidationTestSplit(data, { validationSize: 0.2, testSize: 0.2, seed });
  const search = standardizeSplit(split.train, split.validation);
  const train = search.train;
  const [valid] = search.others;
  const final = standardizeSplit(concatDatasets(split.train, split.validation), split.test);
  const trainValid = final.train;
  const [test] = final.others;

  const configOf = (params: Params): SoftmaxConfig => ({
    learningRate: params["learning_rate"] as number,
    weightDecay: params["weight_decay"] as number,
    batchSize: params["batch_size"] as number,
    epochs: params["epochs"] as number,
    seed,
  });

  const objective = async (trial: Trial): Promise<number> => {
    const config = configOf({
      learning_rate: trial.suggestFloat("learning_rate", 1e-3, 1, { log: true }),
      weight_decay: trial.suggestFloat("weight_decay", 1e-6, 1e-1, { log: true }),
      batch_size: trial.suggestCategorical("batch_size", [16, 32, 64, 128]),
      epochs: trial.suggestInt("epochs", 5, 30),
    });
    const model = new SoftmaxRegression(data.nFeatures, data.nClasses);
    let accuracy = 0;
    for (let epoch = 0; epoch < config.epochs; epoch++) {
      model.trainEpoch(train, config, epoch);
      accuracy = model.accuracy(valid);
      await trial.report(accuracy, epoch);
      if (await trial.shouldPrune()) throw new TrialPruned();
    }
    return accuracy;
  };

  const showProgressBar = options.showProgressBar;
  const random = await createStudy({
    studyName: "quickstart-random",
    direction: "maximize",
    sampler: new RandomSampler({ seed }),
    pruner: new MedianPruner({ nStartupTrials: 5, nWarmupSteps: 3 }),
  });
  await random.optimize(objective, {
    nTrials: options.randomTrials ?? 40,
    ...(showProgressBar !== undefined ? { showProgressBar } : {}),
  });

  // Grid search stops by itself once every combination has run.
  const grid = await createStudy({
    studyName: "quickstart-grid",
    direction: "maximize",
    sampler: new GridSampler(
      {
        learning_rate: [0.01, 0.03, 0.1, 0.3],
        weight_decay: [1e-5, 1e-4, 1e-3],
        batch_size: [32],
        epochs: [20],
      },
      { seed },
    ),
  });
  await grid.optimize(objective, showProgressBar !== undefined ? { showProgressBar } : {});

  const randomBest = await random.bestTrial();
  const gridBest = await grid.bestTrial();
  const winner = randomBest.value! >= gridBest.value! ? randomBest : gridBest;

  // The honest last step: retrain the winner on train+validation, evaluate once on test.
  const model = new SoftmaxRegression(data.nFeatures, data.nClasses);
  const config = configOf(winner.params);
  for (let epoch = 0; epoch < config.epochs; epoch++) model.trainEpoch(trainValid, config, epoch);

  return {
    randomBest: {
      value: randomBest.value!,
      params: randomBest.params,
      pruned: (await random.getTrials({ states: ["PRUNED"] })).length,
      trials: (await random.trials()).length,
    },
    gridBest: {
      value: gridBest.value!,
      params: gridBest.params,
      trials: (await grid.trials()).length,
    },
    testAccuracy: model.accuracy(test),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const result = await runQuickstart();
  const show = (p: Params): string => JSON.stringify(p);
  console.log("");
  console.log(
    `Random search: best validation accuracy ${result.randomBest.value.toFixed(4)} with ${show(result.randomBest.params)}`,
  );
  console.log(
    `               ${result.randomBest.pruned} of ${result.randomBest.trials} trials pruned early`,
  );
  console.log(
    `Grid search:   best validation accuracy ${result.gridBest.value.toFixed(4)} with ${show(result.gridBest.params)} (${result.gridBest.trials} grid points)`,
  );
  console.log(
    `Test accuracy of the winner, retrained on train+validation: ${result.testAccuracy.toFixed(4)}`,
  );
}
