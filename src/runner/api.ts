/**
 * The trial API served to the commands of `skipjack run` (define-by-run from any language):
 * one HTTP server on 127.0.0.1 at a random port for the whole run, and per trial a token that
 * opens only that trial. The child finds both in SKIPJACK_API_URL and SKIPJACK_API_TOKEN, and
 * the Python client on its PYTHONPATH.
 */
import { delimiter } from "node:path";
import { fileURLToPath } from "node:url";
import type { Study } from "../study/study.js";
import type { LiveTrial } from "../trial/live-trial.js";
import type { Trial } from "../trial/trial.js";
import type { TrialApiHandle } from "./run.js";
import type { TrialApiSession } from "./trial-runner.js";

/** Folder of `skipjack_client.py` in the package (src/ or dist/ alike are one level down). */
export const PYTHON_CLIENT_DIR = fileURLToPath(new URL("../../clients/python/", import.meta.url));

/** Starts the server for a run's study. */
export async function childApi(study: Study): Promise<TrialApiHandle> {
  const { startTrialServer } = await import("../server/index.js");
  const server = await startTrialServer({
    storage: study.storage,
    host: "127.0.0.1",
    port: 0,
    studies: [study],
  });
  return {
    open(trial: Trial): TrialApiSession {
      let pruneAdvised = false;
      const lease = server.registerTrial(study, trial as LiveTrial, {
        onShouldPrune: (prune) => {
          if (prune) pruneAdvised = true;
        },
      });
      const pythonPath = process.env["PYTHONPATH"];
      return {
        env: {
          ...lease.env,
          PYTHONPATH:
            pythonPath === undefined || pythonPath === ""
              ? PYTHON_CLIENT_DIR
              : `${PYTHON_CLIENT_DIR}${delimiter}${pythonPath}`,
        },
        told: () => lease.told(),
        pruneAdvised: () => pruneAdvised,
        close: () => lease.release(),
      };
    },
    close: () => server.close(),
  };
}
