/**
 * Typed errors. Every message says what went wrong and what to change.
 */

/** Base class of every error skipjack throws on purpose. */
export class SkipjackError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A distribution or a suggest call was given an impossible search space. */
export class InvalidDistributionError extends SkipjackError {}

/** A value or argument passed to the API is not acceptable. */
export class InvalidArgumentError extends SkipjackError {}

/** The same parameter name was suggested with a distribution that cannot share its value. */
export class IncompatibleDistributionError extends SkipjackError {}

/** A study with this name already exists in the storage. */
export class DuplicatedStudyError extends SkipjackError {}

/** No study, or no trial, with this name or id exists in the storage. */
export class NotFoundError extends SkipjackError {}

/** A finished trial (COMPLETE, PRUNED or FAIL) was asked to change. */
export class UpdateFinishedTrialError extends SkipjackError {}

/** A storage backend failed or could not be reached. */
export class StorageError extends SkipjackError {}

/** An optional package that a feature needs is not installed; the message has the command. */
export class MissingDependencyError extends SkipjackError {
  /** The command that installs what is missing, e.g. `npm install @tensorflow/tfjs`. */
  readonly command: string;

  constructor(feature: string, packages: readonly string[], options?: { cause?: unknown }) {
    const command = `npm install ${packages.join(" ")}`;
    super(
      `${feature} needs ${packages.join(" and ")}, which is not installed: ${command}`,
      options,
    );
    this.command = command;
  }
}

/** Raised by an objective (or `trial.shouldPrune()` callers) to end the trial as PRUNED. */
export class TrialPruned extends SkipjackError {
  constructor(message = "Trial was pruned.") {
    super(message);
  }
}
