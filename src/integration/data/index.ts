/**
 * Data utilities for honest model selection, in typed arrays and without TensorFlow.js:
 * CSV loading, seeded (stratified) splits and k-fold, a leakage-free standardizer, and
 * cross-validation that reports each fold to the trial.
 */
export { type CrossValidateOptions, crossValidate } from "./cross-validate.js";
export {
  type CsvMatrix,
  type CsvOptions,
  CsvParseError,
  loadCsv,
  parseCsv,
  parseCsvMatrix,
} from "./csv.js";
export {
  classCounts,
  concatDatasets,
  type Dataset,
  type DatasetInit,
  type FeatureArray,
  isClassification,
  makeDataset,
  numRows,
  subset,
} from "./dataset.js";
export {
  type DatasetSplit,
  type Fold,
  type KFoldOptions,
  kFold,
  type SplitIndices,
  type SplitOptions,
  splitIndices,
  stratifiedKFold,
  trainValidationTestSplit,
} from "./split.js";
export { Standardizer, type StandardizerState, standardizeSplit } from "./standardizer.js";
