/**
 * Training with TF.js on the wasm or cpu backend is synchronous work between promise
 * callbacks: `model.fit` never lets the event loop run when only `tf.Callback` objects are
 * passed (TF.js yields only for plain-object callbacks). Timers (a progress bar), signal
 * handlers (Ctrl-C) and I/O then wait for the whole study. These helpers give the event loop
 * a turn every few milliseconds.
 */
import * as tf from "@tensorflow/tfjs";

/** At most this long between two turns of the event loop during training. */
const DEFAULT_EVERY_MS = 20;

/** Gives the event loop a turn when `everyMs` have passed since the last one. */
export class EventLoopTurns {
  private last = Date.now();

  constructor(private readonly everyMs = DEFAULT_EVERY_MS) {}

  /** Resolves at once, or after one turn of the event loop (timers, signals, I/O) when due. */
  async maybeYield(): Promise<void> {
    if (Date.now() - this.last < this.everyMs) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.last = Date.now();
  }
}

/**
 * A `model.fit` callback that lets timers, signal handlers and I/O run during training, and
 * stops training at the end of the current batch once `signal` is aborted.
 */
export class YieldingCallback extends tf.Callback {
  private readonly turns: EventLoopTurns;

  constructor(
    private readonly signal?: AbortSignal,
    everyMs?: number,
  ) {
    super();
    this.turns = new EventLoopTurns(everyMs);
  }

  override async onBatchEnd(): Promise<void> {
    await this.turns.maybeYield();
    if (this.signal?.aborted) this.model.stopTraining = true;
  }
}

/**
 * The callbacks of a `model.fit` call as `tf.Callback` objects (TF.js takes either callback
 * objects or plain `{ onEpochEnd... }` ones, not a mix), with a `YieldingCallback` added.
 */
export function withEventLoopTurns(
  callbacks: tf.ModelFitArgs["callbacks"],
  signal?: AbortSignal,
): tf.Callback[] {
  const list = callbacks === undefined ? [] : Array.isArray(callbacks) ? callbacks : [callbacks];
  const objects = list.map((callback) =>
    callback instanceof tf.Callback
      ? callback
      : (new tf.CustomCallback(callback as tf.CustomCallbackArgs) as unknown as tf.Callback),
  );
  return [...objects, new YieldingCallback(signal)];
}
