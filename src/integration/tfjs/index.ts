/**
 * skipjack/tfjs: TensorFlow.js integration. Pruning and early-stopping callbacks for
 * `model.fit`, an MLP builder and optimizers driven by trials, learning-rate schedules, a
 * Keras-Tuner-style `tune`, and the honest final evaluation on a held-out test set.
 *
 * Needs the peer dependency `@tensorflow/tfjs` (and, for `useWasmBackend`, optionally
 * `@tensorflow/tfjs-backend-wasm`).
 * @packageDocumentation
 */
export { type UseWasmBackendOptions, useWasmBackend } from "./backend.js";
export {
  EarlyStoppingCallback,
  type EarlyStoppingOptions,
  earlyStopping,
} from "./early-stopping.js";
export {
  type BuildModel,
  type EvaluationResult,
  evaluateModel,
  type FitCallbacks,
  type RetrainAndEvaluateOptions,
  retrainAndEvaluate,
} from "./evaluate.js";
export { type EpochLogs, resolveLogs } from "./logs.js";
export {
  type Activation,
  buildMlp,
  type ChoiceSpace,
  disposeModel,
  type MlpCompileOptions,
  type MlpOptions,
  type NumberSpace,
  type Range,
} from "./mlp.js";
export {
  type CosineLrOptions,
  constantLr,
  cosineLr,
  getLearningRate,
  type LearningRateSchedule,
  LearningRateScheduler,
  learningRateScheduler,
  makeOptimizer,
  type OptimizerName,
  type OptimizerOptions,
  type StepLrOptions,
  setLearningRate,
  stepLr,
} from "./optimizers.js";
export { PruningCallback, type PruningCallbackOptions, pruningCallback } from "./pruning.js";
export { type TensorData, type ToTensorsOptions, toTensors } from "./tensors.js";
export {
  type TuneData,
  type TuneFitOptions,
  type TuneOptions,
  type TuneResult,
  type TuneSummary,
  tune,
} from "./tune.js";
