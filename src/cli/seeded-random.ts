/**
 * TF.js draws the shuffling of `model.fit` and every dropout mask from `Math.random` (neither
 * takes a seed: a seeded dropout layer repeats one mask for every batch). The demo therefore
 * replaces `Math.random` with a seeded stream, restarted at the start of each trial, so the
 * same seed and the same parameters train the same network. Only for the command line, which
 * owns its process; with `--concurrency` above 1 trials interleave and share the stream.
 */
import { Rng } from "../math/rng.js";

/** Seeded replacement of `Math.random`, restartable per trial; `restore()` puts the original back. */
export class SeededMathRandom {
  private readonly original = Math.random;

  constructor(private readonly seed: number) {}

  /** Restarts `Math.random` at the stream of `key` (the same key gives the same draws). */
  restart(key: string): void {
    const rng = new Rng(this.seed, key);
    Math.random = () => rng.random();
  }

  /** Puts the original `Math.random` back. */
  restore(): void {
    Math.random = this.original;
  }
}
