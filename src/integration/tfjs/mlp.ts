/**
 * A multi-layer perceptron whose depth, width, activation, dropout, weight decay, optimizer
 * and learning rate come from a trial (searched) or from fixed parameters (a best trial).
 */
import * as tf from "@tensorflow/tfjs";
import type { Params } from "../../distributions/index.js";
import { InvalidArgumentError } from "../../errors/index.js";
import { FixedTrial } from "../../trial/fixed-trial.js";
import type { Trial } from "../../trial/trial.js";
import { makeOptimizer, type OptimizerName } from "./optimizers.js";

/** A range to search: floats or integers in [low, high], optionally log-scaled or stepped. */
export interface Range {
  low: number;
  high: number;
  log?: boolean;
  step?: number;
}

/** A fixed number, or a `Range` to search. */
export type NumberSpace = number | Range;

/** A fixed choice, or a list of choices to search. */
export type ChoiceSpace<T> = T | readonly T[];

/** Activations `buildMlp` accepts. */
export type Activation = "relu" | "elu" | "selu" | "tanh" | "sigmoid" | "swish" | "gelu" | "linear";

/** How `buildMlp` compiles the model (each entry fixed or searched). */
export interface MlpCompileOptions {
  /** Default "adam". */
  optimizer?: ChoiceSpace<OptimizerName>;
  /** Default { low: 1e-4, high: 1e-1, log: true }. */
  learningRate?: NumberSpace;
  /** Momentum for "sgd" and "rmsprop" (suggested only when one of those is chosen). Default 0. */
  momentum?: NumberSpace;
  /**
   * Default: "sparseCategoricalCrossentropy" (labels are class indices) for nClasses >= 2,
   * "binaryCrossentropy" for nClasses 1, "meanSquaredError" for nClasses 0.
   */
  loss?: string;
  /** Default ["accuracy"] for classification (logged as "acc" / "val_acc"), [] for regression. */
  metrics?: string[];
}

/** Options of `buildMlp`. Numbers are fixed; `Range`s and arrays are searched. */
export interface MlpOptions {
  /** Features per example (a number) or the input shape (flattened first). */
  inputShape: number | readonly number[];
  /** >= 2: softmax over the classes; 1: one sigmoid unit (binary); 0: one linear unit (regression). */
  nClasses: number;
  /** Hidden layers. Default { low: 1, high: 3 } (parameter "n_layers"). */
  layers?: NumberSpace;
  /** Units of each hidden layer. Default { low: 16, high: 256, log: true } ("n_units_l0", "n_units_l1", ...). */
  units?: NumberSpace;
  /** Default "relu" ("activation" when searched). */
  activation?: ChoiceSpace<Activation>;
  /** Dropout rate after each hidden layer. Default { low: 0, high: 0.5 } ("dropout"). */
  dropout?: NumberSpace;
  /** L2 penalty on every kernel. Default { low: 1e-6, high: 1e-2, log: true } ("weight_decay"); 0 for none. */
  weightDecay?: NumberSpace;
  /** Compile with an optimizer (default true: adam, learning rate searched); false returns it uncompiled. */
  compile?: boolean | MlpCompileOptions;
  /** Prefix of every parameter name, to build several networks in one trial. Default "". */
  prefix?: string;
  /** Seed of the weight initializers, for reproducible runs. Default: random. */
  seed?: number;
}

function isTrial(value: Trial | Params): value is Trial {
  return typeof (value as Trial).suggestFloat === "function";
}

function asTrial(source: Trial | Params): Trial {
  return isTrial(source) ? source : new FixedTrial(source);
}

function suggestNumber(trial: Trial, name: string, space: NumberSpace, integer: boolean): number {
  if (typeof space === "number") return space;
  const options = {
    ...(space.log !== undefined ? { log: space.log } : {}),
    ...(space.step !== undefined ? { step: space.step } : {}),
  };
  return integer
    ? trial.suggestInt(name, space.low, space.high, options)
    : trial.suggestFloat(name, space.low, space.high, options);
}

function suggestChoice<T extends string>(trial: Trial, name: string, space: ChoiceSpace<T>): T {
  if (typeof space === "string") return space;
  const choices = space as readonly T[];
  return choices.length === 1 ? choices[0]! : trial.suggestCategorical(name, choices);
}

/**
 * Builds a `tf.Sequential` MLP from a trial (searching every option given as a `Range` or a
 * list) or from parameters (e.g. `study.bestParams()`, read with the same names), so the
 * winning architecture can be rebuilt exactly:
 *
 * ```ts
 * const model = buildMlp(trial, { inputShape: 64, nClasses: 10 });         // searched
 * const again = buildMlp(await study.bestParams(), { inputShape: 64, nClasses: 10 }); // rebuilt
 * ```
 *
 * Layout: [flatten] → (dense(units, activation, L2) → dropout) × layers → dense(output).
 * Compiled by default (the model owns its optimizer: `model.dispose()` frees both).
 */
export function buildMlp(trialOrParams: Trial | Params, options: MlpOptions): tf.Sequential {
  const trial = asTrial(trialOrParams);
  const p = options.prefix ?? "";
  const { nClasses } = options;
  if (!(Number.isInteger(nClasses) && nClasses >= 0)) {
    throw new InvalidArgumentError(`buildMlp: nClasses must be an integer >= 0, got ${nClasses}.`);
  }
  const inputShape =
    typeof options.inputShape === "number" ? [options.inputShape] : [...options.inputShape];
  const nLayers = suggestNumber(trial, `${p}n_layers`, options.layers ?? { low: 1, high: 3 }, true);
  const activation = suggestChoice(trial, `${p}activation`, options.activation ?? "relu");
  const dropout = suggestNumber(
    trial,
    `${p}dropout`,
    options.dropout ?? { low: 0, high: 0.5 },
    false,
  );
  const weightDecay = suggestNumber(
    trial,
    `${p}weight_decay`,
    options.weightDecay ?? { low: 1e-6, high: 1e-2, log: true },
    false,
  );
  const unitsSpace = options.units ?? { low: 16, high: 256, log: true };
  const units = Array.from({ length: nLayers }, (_, i) =>
    suggestNumber(trial, `${p}n_units_l${i}`, unitsSpace, true),
  );
  if (!(dropout >= 0 && dropout < 1)) {
    throw new InvalidArgumentError(`buildMlp: dropout must be in [0, 1), got ${dropout}.`);
  }

  let seed = options.seed;
  const init = (): ReturnType<typeof tf.initializers.glorotUniform> | undefined =>
    seed === undefined ? undefined : tf.initializers.glorotUniform({ seed: seed++ });
  const regularizer = (): ReturnType<typeof tf.regularizers.l2> | undefined =>
    weightDecay > 0 ? tf.regularizers.l2({ l2: weightDecay }) : undefined;
  const dense = (config: { units: number; activation: string; inputShape?: number[] }) => {
    const kernelInitializer = init();
    const kernelRegularizer = regularizer();
    return tf.layers.dense({
      ...config,
      activation: config.activation as Activation,
      ...(kernelInitializer !== undefined ? { kernelInitializer } : {}),
      ...(kernelRegularizer !== undefined ? { kernelRegularizer } : {}),
    });
  };

  const model = tf.sequential();
  let first = true;
  if (inputShape.length > 1) {
    model.add(tf.layers.flatten({ inputShape }));
    first = false;
  }
  for (const width of units) {
    model.add(
      dense({ units: width, activation, ...(first ? { inputShape: [inputShape[0]!] } : {}) }),
    );
    first = false;
    if (dropout > 0) model.add(tf.layers.dropout({ rate: dropout }));
  }
  const outUnits = nClasses >= 2 ? nClasses : 1;
  const outActivation = nClasses >= 2 ? "softmax" : nClasses === 1 ? "sigmoid" : "linear";
  model.add(
    dense({
      units: outUnits,
      activation: outActivation,
      ...(first ? { inputShape: [inputShape[0]!] } : {}),
    }),
  );

  if (options.compile !== false) {
    const c = options.compile === true || options.compile === undefined ? {} : options.compile;
    const optimizerName = suggestChoice(trial, `${p}optimizer`, c.optimizer ?? "adam");
    const learningRate = suggestNumber(
      trial,
      `${p}learning_rate`,
      c.learningRate ?? { low: 1e-4, high: 1e-1, log: true },
      false,
    );
    const momentum =
      optimizerName === "sgd" || optimizerName === "rmsprop"
        ? suggestNumber(trial, `${p}momentum`, c.momentum ?? 0, false)
        : 0;
    const loss =
      c.loss ??
      (nClasses >= 2
        ? "sparseCategoricalCrossentropy"
        : nClasses === 1
          ? "binaryCrossentropy"
          : "meanSquaredError");
    const metrics = c.metrics ?? (nClasses >= 1 ? ["accuracy"] : []);
    model.compile({
      optimizer: makeOptimizer(optimizerName, learningRate, { momentum }),
      loss,
      metrics,
    });
    // The optimizer was made here for this model alone: let model.dispose() free it too.
    (model as unknown as { isOptimizerOwned: boolean }).isOptimizerOwned = true;
  }
  return model;
}

/**
 * Frees a model's weights and its optimizer's state, also when the optimizer was passed
 * to `compile` as an object (which `model.dispose()` alone leaves behind).
 */
export function disposeModel(model: tf.LayersModel): void {
  const optimizer = model.optimizer as tf.Optimizer | undefined;
  const owned = (model as unknown as { isOptimizerOwned?: boolean }).isOptimizerOwned === true;
  model.dispose();
  if (optimizer != null) {
    if (!owned) optimizer.dispose();
    // tf.train.momentum's dispose() forgets the learning-rate scalar its SGD parent keeps.
    const c = (optimizer as unknown as { c?: tf.Tensor }).c;
    if (c != null && !c.isDisposed) c.dispose();
  }
}
