/**
 * skipjack: hyperparameter optimization for deep learning, native to TypeScript.
 * @packageDocumentation
 */

export {
  type CategoricalChoice,
  CategoricalDistribution,
  checkDistributionCompatibility,
  type Distribution,
  distributionToJson,
  FloatDistribution,
  type FloatOptions,
  IntDistribution,
  type IntOptions,
  jsonToDistribution,
  type Params,
  type ParamValue,
  type SearchSpace,
} from "./distributions/index.js";
export {
  DuplicatedStudyError,
  IncompatibleDistributionError,
  InvalidArgumentError,
  InvalidDistributionError,
  NotFoundError,
  SkipjackError,
  StorageError,
  TrialPruned,
  UpdateFinishedTrialError,
} from "./errors/index.js";
export type { JsonValue } from "./json/python.js";
export { getVerbosity, setVerbosity, Verbosity } from "./logging/index.js";
export {
  MedianPruner,
  PercentilePruner,
  type PercentilePrunerOptions,
} from "./pruners/percentile.js";
export { NopPruner, type Pruner } from "./pruners/pruner.js";
export {
  BruteForceSampler,
  type BruteForceSamplerOptions,
} from "./samplers/brute-force/brute-force-sampler.js";
export {
  GridSampler,
  type GridSamplerOptions,
  type GridSearchSpace,
} from "./samplers/grid/grid-sampler.js";
export { PartialFixedSampler } from "./samplers/partial-fixed/partial-fixed-sampler.js";
export { QMCSampler, type QMCSamplerOptions } from "./samplers/qmc/qmc-sampler.js";
export { RandomSampler, type RandomSamplerOptions } from "./samplers/random/random-sampler.js";
export { IndependentSampler, type Sampler, type TrialReservation } from "./samplers/sampler.js";
export { InMemoryStorage } from "./storages/in-memory/in-memory-storage.js";
export type { StorageLike } from "./storages/resolve.js";
export type {
  FrozenStudy,
  Storage,
  StoredParam,
  TrialTemplate,
  TrialUpdate,
} from "./storages/storage.js";
export {
  type CreateStudyOptions,
  copyStudy,
  createStudy,
  deleteStudy,
  getAllStudyNames,
  getAllStudySummaries,
  type LoadStudyOptions,
  loadStudy,
  type StudySummary,
} from "./study/create.js";
export type { ExportFormat, TrialRow } from "./study/export.js";
export type { ErrorMatcher, Objective, OptimizeOptions, StudyCallback } from "./study/optimize.js";
export type { StudySnapshot } from "./study/snapshot.js";
export { type EnqueueOptions, Study, type TellOptions } from "./study/study.js";
export { FixedTrial } from "./trial/fixed-trial.js";
export { type CreateTrialOptions, createTrial, FrozenTrial } from "./trial/frozen.js";
export { isFinished, type StudyDirection, TrialState } from "./trial/state.js";
export type { Trial } from "./trial/trial.js";
