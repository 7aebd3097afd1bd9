import type { CategoricalChoice, Distribution, ParamValue } from "../../distributions/index.js";
import { describeDistribution } from "../../distributions/index.js";
import { InvalidArgumentError, InvalidDistributionError } from "../../errors/index.js";
import { pythonJsonDumps } from "../../json/python.js";
import { logger } from "../../logging/index.js";
import { hashString, Rng } from "../../math/rng.js";
import type { StudySnapshot } from "../../study/snapshot.js";
import type { Study } from "../../study/study.js";
import type { FrozenTrial } from "../../trial/frozen.js";
import { IndependentSampler, type TrialReservation } from "../sampler.js";

/** Parameter name → the values to try. */
export type GridSearchSpace = Record<string, readonly CategoricalChoice[]>;

/** Options of `GridSampler`. */
export interface GridSamplerOptions {
  /** Seed of the order in which grid points are visited; random when omitted. */
  seed?: number;
}

/**
 * Tries every combination of the given values exactly once, in a seeded random order, then
 * stops the study. Each grid point is claimed atomically in the storage before its trial is
 * created, so concurrent trials and several processes sharing a study never repeat a point.
 */
export class GridSampler extends IndependentSampler {
  readonly searchSpace: Readonly<Record<string, readonly CategoricalChoice[]>>;
  private readonly names: readonly string[];
  private readonly sizes: readonly number[];
  /** Number of grid points. */
  readonly gridSize: number;
  private readonly rng: Rng;
  private readonly claimPrefix: string;
  private readonly spaceJson: string;
  private exhaustedLogged = false;

  constructor(searchSpace: GridSearchSpace, options: GridSamplerOptions = {}) {
    super();
    const names = Object.keys(searchSpace).sort();
    let size = 1;
    for (const name of names) {
      const values = searchSpace[name]!;
      if (!Array.isArray(values) || values.length === 0) {
        throw new InvalidDistributionError(
          `GridSampler: parameter "${name}" needs a non-empty list of values.`,
        );
      }
      size *= values.length;
    }
    if (!Number.isSafeInteger(size)) {
      throw new InvalidDistributionError(`GridSampler: the grid has too many points (${size}).`);
    }
    this.names = names;
    this.sizes = names.map((n) => searchSpace[n]!.length);
    this.searchSpace = Object.freeze(
      Object.fromEntries(names.map((n) => [n, Object.freeze([...searchSpace[n]!])])),
    );
    this.gridSize = size;
    this.rng = new Rng(options.seed ?? Rng.randomSeed(), "grid");
    // Grids with other values in the same study claim points under another prefix.
    this.spaceJson = pythonJsonDumps(this.searchSpace as Record<string, CategoricalChoice[]>);
    this.claimPrefix = `grid:${hashString(this.spaceJson).toString(16)}:`;
  }

  /** The parameter values of grid point `gridId`. */
  point(gridId: number): Record<string, CategoricalChoice> {
    const point: Record<string, CategoricalChoice> = {};
    let rest = gridId;
    for (let i = this.names.length - 1; i >= 0; i--) {
      const size = this.sizes[i]!;
      point[this.names[i]!] = this.searchSpace[this.names[i]!]![rest % size]!;
      rest = Math.floor(rest / size);
    }
    return point;
  }

  private sameSpace(trial: FrozenTrial): boolean {
    const space = trial.systemAttrs["search_space"];
    return space !== undefined && pythonJsonDumps(space) === this.spaceJson;
  }

  /** Grid ids not yet taken by a trial of the snapshot. */
  private unvisited(trials: readonly FrozenTrial[]): number[] {
    const taken = new Uint8Array(this.gridSize);
    for (const t of trials) {
      const id = t.systemAttrs["grid_id"];
      if (typeof id === "number" && id < this.gridSize && this.sameSpace(t)) taken[id] = 1;
    }
    const ids: number[] = [];
    for (let i = 0; i < this.gridSize; i++) if (taken[i] === 0) ids.push(i);
    return ids;
  }

  async reserveTrial(study: Study): Promise<TrialReservation | null> {
    const candidates = this.rng.shuffle(this.unvisited(await study.trials()));
    for (const gridId of candidates) {
      if (
        await study.storage.claimStudySystemAttr(study.studyId, this.claimPrefix + gridId, true)
      ) {
        return {
          systemAttrs: {
            search_space: this.searchSpace as Record<string, CategoricalChoice[]>,
            grid_id: gridId,
          },
        };
      }
    }
    if (!this.exhaustedLogged)
      logger.info("GridSampler: every grid point has been tried; the study stops.");
    this.exhaustedLogged = true;
    return null;
  }

  sampleIndependent(
    _study: StudySnapshot,
    trial: FrozenTrial,
    name: string,
    distribution: Distribution,
  ): ParamValue {
    const gridId = trial.systemAttrs["grid_id"];
    if (typeof gridId !== "number") {
      throw new InvalidArgumentError(
        `GridSampler: trial ${trial.number} has no grid point; an enqueued trial must fix every grid parameter.`,
      );
    }
    if (!(name in this.searchSpace)) {
      throw new InvalidArgumentError(
        `GridSampler: parameter "${name}" is not in the grid; add it to the GridSampler search space.`,
      );
    }
    const value = this.point(gridId)[name]!;
    if (!distribution.contains(distribution.toInternalRepr(value))) {
      logger.warn(
        `GridSampler: value ${String(value)} of "${name}" is outside ${describeDistribution(distribution)}; it is used anyway.`,
      );
    }
    return value;
  }

  async afterTrial(study: Study): Promise<void> {
    // Stop starting trials once every point is claimed; running ones still finish.
    const trials = await study.trials();
    if (this.unvisited(trials).length === 0) study.stop();
  }
}
