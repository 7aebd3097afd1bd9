import { InvalidArgumentError } from "../../errors/index.js";
import { Rng } from "../../math/rng.js";
import type { StudyDirection } from "../../trial/state.js";
import { GeneticSampler, type GeneticSamplerOptions } from "../nsga2/nsga2-sampler.js";
import { type EliteSelection, objectiveRows, violations } from "../nsga2/population.js";
import { dasDennisPoints } from "./reference-points.js";
import { selectNsga3 } from "./selection.js";

/** Options of `NSGAIIISampler`: those of `NSGAIISampler` and the reference points. */
export interface NSGAIIISamplerOptions extends GeneticSamplerOptions {
  /**
   * Reference points in normalized objective space (one row per point, one column per
   * objective); selection favours trials near the least represented ones. Default: Das–Dennis
   * points with `dividingParameter` divisions.
   */
  referencePoints?: readonly (readonly number[])[] | null;
  /** Divisions per objective of the default reference points (default 3, as Optuna). */
  dividingParameter?: number;
}

/**
 * NSGA-III (Deb & Jain 2014, "An evolutionary many-objective optimization algorithm using
 * reference-point-based nondominated sorting approach", IEEE TEVC 18(4); constraints as in
 * Part II): NSGA-II's generational scheme, crossover and mutation, with the last front cut by
 * niching around reference points instead of crowding distance, which keeps diversity with many
 * objectives. Generations are stored in the system attribute "nsga3:generation" (Optuna's key).
 */
export class NSGAIIISampler extends GeneticSampler {
  readonly dividingParameter: number;
  readonly referencePoints: readonly (readonly number[])[] | null;
  protected selectElite: EliteSelection;
  private readonly references = new Map<number, { points: Float64Array; count: number }>();

  constructor(options: NSGAIIISamplerOptions = {}) {
    super("NSGAIIISampler", "nsga3", options);
    this.dividingParameter = options.dividingParameter ?? 3;
    this.referencePoints = options.referencePoints ?? null;
    if (!(Number.isInteger(this.dividingParameter) && this.dividingParameter >= 1)) {
      throw new InvalidArgumentError(
        `NSGAIIISampler: dividingParameter must be a positive integer, got ${this.dividingParameter}.`,
      );
    }
    if (this.referencePoints !== null) {
      const points = this.referencePoints;
      const m = points[0]?.length ?? 0;
      if (
        points.length === 0 ||
        m === 0 ||
        points.some((p) => p.length !== m || p.some((v) => !Number.isFinite(v)))
      ) {
        throw new InvalidArgumentError(
          "NSGAIIISampler: referencePoints must be a non-empty list of points of equal, " +
            "non-zero length with finite coordinates.",
        );
      }
    }
    const constrained = this.constraintsFunc !== null;
    this.selectElite = (candidates, directions: readonly StudyDirection[], size, generation) => {
      const m = directions.length;
      const reference = this.referenceFor(m);
      return selectNsga3(
        objectiveRows(candidates, directions),
        candidates.length,
        m,
        size,
        constrained ? violations(candidates) : null,
        reference.points,
        reference.count,
        new Rng(this.seed, "nsga3:selection", generation),
      );
    };
  }

  private referenceFor(m: number): { points: Float64Array; count: number } {
    let reference = this.references.get(m);
    if (reference === undefined) {
      if (this.referencePoints !== null) {
        if (this.referencePoints[0]!.length !== m) {
          throw new InvalidArgumentError(
            `NSGAIIISampler: the reference points have ${this.referencePoints[0]!.length} ` +
              `coordinates but the study has ${m} objectives.`,
          );
        }
        reference = {
          points: Float64Array.from(this.referencePoints.flat()),
          count: this.referencePoints.length,
        };
      } else {
        reference = dasDennisPoints(m, this.dividingParameter);
      }
      this.references.set(m, reference);
    }
    return reference;
  }
}
