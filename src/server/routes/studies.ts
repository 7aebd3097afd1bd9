/** Routes on studies: open or create one, read it, and ask it for a trial. */
import { parseSearchSpace } from "../../cli/search-space.js";
import type { SearchSpace } from "../../distributions/index.js";
import { InvalidArgumentError } from "../../errors/index.js";
import type { Study } from "../../study/study.js";
import { badRequest, HttpError } from "../errors.js";
import { route } from "../route.js";
import { Ask, StudyCreate, StudyInfo, TrialInfo } from "../schemas.js";
import { trialInfo } from "./trial-info.js";

async function studyInfo(study: Study) {
  return {
    name: study.studyName,
    directions: [...study.directions],
    sampler: study.sampler.constructor.name,
    pruner: study.pruner.constructor.name,
    n_trials: await study.storage.getNTrials(study.studyId),
  };
}

function searchSpace(raw: Record<string, unknown> | undefined): SearchSpace | undefined {
  if (raw === undefined) return undefined;
  try {
    return parseSearchSpace(JSON.stringify(raw));
  } catch (error) {
    if (error instanceof InvalidArgumentError) {
      throw badRequest(error.message.replaceAll("--search-space", "search_space"));
    }
    throw error;
  }
}

export const studyRoutes = [
  route({
    method: "post",
    path: "/api/v1/studies",
    summary: "Open a study, creating it when it does not exist; sets its sampler and pruner",
    body: StudyCreate,
    response: StudyInfo,
    handler: async ({ body, registry }) => {
      if (body.direction !== undefined && body.directions !== undefined) {
        throw badRequest("Give direction or directions, not both.");
      }
      const directions =
        body.directions ?? (body.direction === undefined ? undefined : [body.direction]);
      const study = await registry.configureStudy(body.name, {
        ...(directions === undefined ? {} : { directions }),
        ...(body.sampler === undefined ? {} : { sampler: body.sampler }),
        ...(body.sampler_kwargs === undefined ? {} : { samplerKwargs: body.sampler_kwargs }),
        ...(body.pruner === undefined ? {} : { pruner: body.pruner }),
        ...(body.pruner_kwargs === undefined ? {} : { prunerKwargs: body.pruner_kwargs }),
        ...(body.load_if_exists === undefined ? {} : { loadIfExists: body.load_if_exists }),
      });
      return studyInfo(study);
    },
  }),
  route({
    method: "get",
    path: "/api/v1/studies/{study}",
    summary: "A study's directions, sampler, pruner and number of trials",
    response: StudyInfo,
    handler: async ({ params, registry }) => studyInfo(await registry.study(params["study"]!)),
  }),
  route({
    method: "post",
    path: "/api/v1/studies/{study}/trials",
    summary:
      "Ask: start a trial (an enqueued one first), sampling the parameters of search_space on the server",
    body: Ask,
    response: TrialInfo,
    status: 201,
    handler: async ({ params, body, registry }) => {
      const study = await registry.study(params["study"]!);
      const held = await registry.ask(study, searchSpace(body.search_space));
      if (held === null) {
        throw new HttpError(
          409,
          "search_exhausted",
          "The sampler has nothing left to sample (e.g. every grid point was tried).",
        );
      }
      return trialInfo(study.studyName, await registry.frozen(study.studyName, held.trial.number));
    },
  }),
];
