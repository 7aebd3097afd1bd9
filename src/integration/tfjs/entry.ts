/**
 * The runtime entry of `skipjack/tfjs` (its types are index.d.ts's). It loads TensorFlow.js
 * before the integration, so that a missing `@tensorflow/tfjs` is a `MissingDependencyError`
 * with the command to run, not Node's module-not-found error from a file deep in the package:
 * the static imports of an ES module all resolve before any of its code runs.
 */
import { MissingDependencyError } from "../../errors/index.js";
import { isMissingModule } from "../../storages/rdb/optional.js";

try {
  await import("@tensorflow/tfjs");
} catch (error) {
  if (isMissingModule(error, "@tensorflow/tfjs")) {
    throw new MissingDependencyError("skipjack/tfjs", ["@tensorflow/tfjs"], { cause: error });
  }
  throw error;
}

const integration = await import("./index.js");

// The same values as index.ts exports (a test compares the two lists).
export const {
  buildMlp,
  constantLr,
  cosineLr,
  disposeModel,
  EarlyStoppingCallback,
  earlyStopping,
  evaluateModel,
  getLearningRate,
  LearningRateScheduler,
  learningRateScheduler,
  makeOptimizer,
  PruningCallback,
  pruningCallback,
  resolveLogs,
  retrainAndEvaluate,
  setLearningRate,
  stepLr,
  toTensors,
  tune,
  useWasmBackend,
} = integration;
