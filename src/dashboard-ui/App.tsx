import { api } from "./data/api.js";
import { useInfo, usePolled } from "./data/hooks.js";
import { ComparePage } from "./pages/ComparePage.js";
import { StudiesPage } from "./pages/StudiesPage.js";
import { StudyPage } from "./pages/StudyPage.js";
import { TrialPage } from "./pages/TrialPage.js";
import { TrialsPage } from "./pages/TrialsPage.js";
import { href, type Route, useRoute } from "./router.js";

function studyIdOf(route: Route): number | null {
  return "studyId" in route ? route.studyId : null;
}

/** The page of the current route, under a header with the way back up. */
export function App() {
  const route = useRoute();
  const info = useInfo();
  // Until the server says otherwise, hide the write actions.
  const readOnly = info?.readOnly ?? true;
  const studyId = studyIdOf(route);
  const study = usePolled(
    () => (studyId === null ? Promise.resolve(null) : api.study(studyId)),
    10_000,
    `header-${studyId}`,
  );
  const studyName = study.data?.name ?? (studyId === null ? "" : `study ${studyId}`);
  return (
    <>
      <header className="top">
        <a className="brand" href={href({ page: "studies" })}>
          skipjack
        </a>
        <nav className="crumbs" aria-label="breadcrumbs">
          <a href={href({ page: "studies" })}>Studies</a>
          {studyId !== null && (
            <>
              <span>/</span>
              <a href={href({ page: "study", studyId })}>{studyName}</a>
            </>
          )}
          {(route.page === "trials" || route.page === "trial") && (
            <>
              <span>/</span>
              <a href={href({ page: "trials", studyId: route.studyId })}>Trials</a>
            </>
          )}
          {route.page === "trial" && (
            <>
              <span>/</span>
              <span>#{route.number}</span>
            </>
          )}
        </nav>
        <span className="live">
          {info === null ? "" : `${info.storage}${info.readOnly ? " · read-only" : ""} · live`}
        </span>
      </header>
      <main>
        {route.page === "studies" && <StudiesPage readOnly={readOnly} />}
        {route.page === "study" && (
          <StudyPage key={route.studyId} studyId={route.studyId} readOnly={readOnly} />
        )}
        {route.page === "trials" && (
          <TrialsPage key={route.studyId} studyId={route.studyId} studyName={studyName} />
        )}
        {route.page === "trial" && (
          <TrialPage
            key={`${route.studyId}-${route.number}`}
            studyId={route.studyId}
            number={route.number}
            studyName={studyName}
            readOnly={readOnly}
          />
        )}
        {route.page === "compare" && <ComparePage studyIds={route.studyIds} />}
        {route.page === "missing" && (
          <p>
            No page at {route.path}. <a href={href({ page: "studies" })}>All studies</a>
          </p>
        )}
      </main>
    </>
  );
}
