/** The current route, re-rendering on navigation (hash routing: see routes.ts). */
import { useSyncExternalStore } from "react";
import { parseRoute, type Route } from "./routes.js";

export { href, parseRoute, type Route } from "./routes.js";

function subscribe(onChange: () => void): () => void {
  window.addEventListener("hashchange", onChange);
  return () => window.removeEventListener("hashchange", onChange);
}

/** The current route; re-renders on navigation. */
export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, () => window.location.hash);
  return parseRoute(hash);
}
