/**
 * Hash routing (`#/studies/3/trials`): the server serves one index.html for every page and
 * links work without a reload or a server-side fallback.
 */
/** The pages of the app and their parameters. */
export type Route =
  | { page: "studies" }
  | { page: "study"; studyId: number }
  | { page: "trials"; studyId: number }
  | { page: "trial"; studyId: number; number: number }
  | { page: "compare"; studyIds: number[] }
  | { page: "missing"; path: string };

/** Reads a route from a location hash such as `#/studies/3/trials/12`. */
export function parseRoute(hash: string): Route {
  const [path = "", query = ""] = hash.replace(/^#/, "").split("?");
  const parts = path.split("/").filter((part) => part !== "");
  const id = (text: string | undefined): number | null =>
    text !== undefined && /^\d+$/.test(text) ? Number(text) : null;
  if (parts.length === 0 || (parts.length === 1 && parts[0] === "studies")) {
    return { page: "studies" };
  }
  if (parts[0] === "compare" && parts.length === 1) {
    const ids = new URLSearchParams(query).get("studies") ?? "";
    return {
      page: "compare",
      studyIds: ids
        .split(",")
        .map((text) => id(text))
        .filter((value): value is number => value !== null),
    };
  }
  const studyId = parts[0] === "studies" ? id(parts[1]) : null;
  if (studyId !== null) {
    if (parts.length === 2) return { page: "study", studyId };
    if (parts[2] === "trials" && parts.length === 3) return { page: "trials", studyId };
    const number = parts[2] === "trials" ? id(parts[3]) : null;
    if (number !== null && parts.length === 4) return { page: "trial", studyId, number };
  }
  return { page: "missing", path };
}

/** The hash of a route, for links. */
export function href(route: Route): string {
  switch (route.page) {
    case "studies":
      return "#/";
    case "study":
      return `#/studies/${route.studyId}`;
    case "trials":
      return `#/studies/${route.studyId}/trials`;
    case "trial":
      return `#/studies/${route.studyId}/trials/${route.number}`;
    case "compare":
      return `#/compare?studies=${route.studyIds.join(",")}`;
    case "missing":
      return `#${route.path}`;
  }
}
