/**
 * Ctrl-C for the command line. The first SIGINT aborts `signal`: the search stops (optimize
 * marks the running trial FAIL), what was found so far is printed and the exit status is 130.
 * A second Ctrl-C, a second or more after the first, exits at once. (A terminal sends SIGINT
 * to the whole process group, and `npm start` forwards it too: a copy arriving together with
 * the first is the same Ctrl-C.)
 */
import { EXIT_INTERRUPTED } from "./errors.js";

/** Listens to SIGINT while a command runs; `dispose()` stops listening. */
export class SigintGuard {
  private readonly controller = new AbortController();
  private firstAt = 0;
  private readonly listener = (): void => {
    if (!this.controller.signal.aborted) {
      this.firstAt = Date.now();
      this.controller.abort(new Error("Interrupted by SIGINT."));
      return;
    }
    if (Date.now() - this.firstAt < 1000) return;
    if (process.stderr.isTTY) process.stderr.write("\u001b[?25h\n"); // the bar hid the cursor
    process.stderr.write("skipjack: interrupted again; exiting at once.\n");
    process.exit(EXIT_INTERRUPTED);
  };

  constructor() {
    process.on("SIGINT", this.listener);
  }

  /** Aborted at the first Ctrl-C. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  dispose(): void {
    process.off("SIGINT", this.listener);
  }
}
