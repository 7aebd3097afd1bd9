/**
 * Parallel slots of `skipjack run`: `--concurrency K` trials at once, each in a slot that
 * runs one trial at a time. With `--gpus 0,1,2,3` slot i sees GPU `gpus[i % gpus.length]`
 * alone, through `CUDA_VISIBLE_DEVICES` (so K = 2 × GPUs puts two trials on each GPU).
 */
import { InvalidArgumentError } from "../errors/index.js";

/** A slot a trial holds while it runs. */
export interface Slot {
  readonly index: number;
  /** The GPU ids this slot's trial sees, or null without `--gpus`. */
  readonly gpu: string | null;
}

/** Reads `--gpus 0,1,2,3` (ids as CUDA_VISIBLE_DEVICES takes them: numbers or UUIDs). */
export function parseGpus(text: string): string[] {
  const ids = text.split(",").map((s) => s.trim());
  if (ids.some((id) => id === "" || /\s/.test(id))) {
    throw new InvalidArgumentError(
      `--gpus takes GPU ids separated by commas, e.g. 0,1,2,3; got "${text}".`,
    );
  }
  return ids;
}

/** Hands out free slots; a slot is never given to two trials at once. */
export class SlotPool {
  private readonly free: Slot[];

  constructor(count: number, gpus: readonly string[] | null) {
    this.free = Array.from({ length: count }, (_, index) => ({
      index,
      gpu: gpus === null || gpus.length === 0 ? null : (gpus[index % gpus.length] as string),
    }));
  }

  /** Takes the lowest free slot. optimize runs at most `count` trials, so one is free. */
  acquire(): Slot {
    this.free.sort((a, b) => a.index - b.index);
    const slot = this.free.shift();
    if (slot === undefined) throw new Error("No free slot: more trials run than --concurrency.");
    return slot;
  }

  release(slot: Slot): void {
    this.free.push(slot);
  }

  /** The environment a slot adds to the child's. */
  static env(slot: Slot): Record<string, string> {
    return slot.gpu === null ? {} : { CUDA_VISIBLE_DEVICES: slot.gpu };
  }
}
