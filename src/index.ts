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
  MissingDependencyError,
  NotFoundError,
  SkipjackError,
  StorageError,
  TrialPruned,
  UpdateFinishedTrialError,
} from "./errors/index.js";
export * from "./importance/index.js";
export * from "./integration/data/index.js";
export type { JsonValue } from "./json/python.js";
export { getVerbosity, setVerbosity, Verbosity, type VerbosityName } from "./logging/index.js";
export {
  type HyperbandBrackets,
  HyperbandPruner,
  type HyperbandPrunerOptions,
} from "./pruners/hyperband.js";
export { PatientPruner, type PatientPrunerOptions } from "./pruners/patient.js";
export {
  MedianPruner,
  PercentilePruner,
  type PercentilePrunerOptions,
} from "./pruners/percentile.js";
export { NopPruner, type Pruner } from "./pruners/pruner.js";
export {
  SuccessiveHalvingPruner,
  type SuccessiveHalvingPrunerOptions,
} from "./pruners/successive-halving.js";
export { ThresholdPruner, type ThresholdPrunerOptions } from "./pruners/threshold.js";
export { WilcoxonPruner, type WilcoxonPrunerOptions } from "./pruners/wilcoxon.js";
export {
  BruteForceSampler,
  type BruteForceSamplerOptions,
} from "./samplers/brute-force/brute-force-sampler.js";
export {
  CmaEsSampler,
  type CmaEsSamplerOptions,
  type RestartStrategy,
} from "./samplers/cmaes/cmaes-sampler.js";
export { CONSTRAINTS_KEY, type ConstraintsFunc } from "./samplers/constraints.js";
export { GPSampler, type GPSamplerOptions } from "./samplers/gp/gp-sampler.js";
export {
  GridSampler,
  type GridSamplerOptions,
  type GridSearchSpace,
} from "./samplers/grid/grid-sampler.js";
export type {
  CrossoverName,
  CrossoverOptions,
  CrossoverSpec,
} from "./samplers/nsga2/crossover.js";
export {
  type GeneticSamplerOptions,
  NSGAIISampler,
  type NSGAIISamplerOptions,
} from "./samplers/nsga2/nsga2-sampler.js";
export { NSGAIIISampler, type NSGAIIISamplerOptions } from "./samplers/nsga3/nsga3-sampler.js";
export { PartialFixedSampler } from "./samplers/partial-fixed/partial-fixed-sampler.js";
export { QMCSampler, type QMCSamplerOptions } from "./samplers/qmc/qmc-sampler.js";
export { RandomSampler, type RandomSamplerOptions } from "./samplers/random/random-sampler.js";
export { IndependentSampler, type Sampler, type TrialReservation } from "./samplers/sampler.js";
export {
  GroupDecomposedSearchSpace,
  groupDecomposedSearchSpace,
} from "./samplers/search-space/group.js";
export {
  IntersectionSearchSpace,
  intersectionSearchSpace,
} from "./samplers/search-space/intersection.js";
export { TPESampler, type TPESamplerOptions } from "./samplers/tpe/tpe-sampler.js";
export {
  defaultGamma,
  defaultWeights,
  hyperoptDefaultGamma,
  optunaGamma,
} from "./samplers/tpe/weights.js";
export {
  CV_SCORES_KEY,
  crossValidationError,
  reportCrossValidationScores,
} from "./stoppers/cv-scores.js";
export {
  NoImprovementStopper,
  type NoImprovementStopperOptions,
} from "./stoppers/no-improvement.js";
export { RegretBoundStopper, type RegretBoundStopperOptions } from "./stoppers/regret-bound.js";
export { type StopDecision, type Stopper, stopperCallback } from "./stoppers/stopper.js";
export {
  type FailedTrialCallback,
  failStaleTrials,
  type HeartbeatOptions,
} from "./storages/heartbeat.js";
export { InMemoryStorage } from "./storages/in-memory/in-memory-storage.js";
export { MySQLStorage, type MySQLStorageOptions } from "./storages/mysql/mysql-storage.js";
export {
  PostgresStorage,
  type PostgresStorageOptions,
} from "./storages/postgres/postgres-storage.js";
export { RdbStorage, type RdbStorageOptions } from "./storages/rdb/rdb-storage.js";
export { openStorage, type StorageLike, type StorageOptions } from "./storages/resolve.js";
export {
  RetryFailedTrialCallback,
  type RetryFailedTrialCallbackOptions,
} from "./storages/retry-failed-trial-callback.js";
export { SqliteStorage, type SqliteStorageOptions } from "./storages/sqlite/sqlite-storage.js";
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
