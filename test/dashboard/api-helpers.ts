/** Shared helpers of the dashboard API tests: studies written through the storage API. */
import { CategoricalDistribution, FloatDistribution } from "../../src/distributions/index.js";
import type { Storage, TrialTemplate } from "../../src/storages/storage.js";
import type { StudyDirection } from "../../src/trial/state.js";

export const X = new FloatDistribution(-10, 10);
export const KIND = new CategoricalDistribution(["a", "b", "c"]);

/** Fields of a COMPLETE trial with value `value` and params x, kind. */
export function complete(value: number, x: number, kind: number): TrialTemplate {
  return {
    state: "COMPLETE",
    values: [value],
    datetimeStart: new Date(1_700_000_000_000),
    datetimeComplete: new Date(1_700_000_001_000),
    params: { x: { internal: x, distribution: X }, kind: { internal: kind, distribution: KIND } },
  };
}

/** A study named `name` with COMPLETE trials of these values; returns its id. */
export async function studyWith(
  storage: Storage,
  name: string,
  values: readonly number[],
  directions: readonly StudyDirection[] = ["minimize"],
): Promise<number> {
  const id = await storage.createNewStudy(directions, name);
  for (const [i, v] of values.entries()) await storage.createNewTrial(id, complete(v, i, i % 3));
  return id;
}

/** Same-origin JSON request options for a write from the dashboard's own page. */
export function sameOrigin(method: string, body?: unknown, host = "127.0.0.1:8080"): RequestInit {
  const headers: Record<string, string> = {
    host,
    origin: `http://${host}`,
    "sec-fetch-site": "same-origin",
  };
  if (body !== undefined) headers["content-type"] = "application/json";
  return { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) };
}
