import "./process-shim.js";
import "./styles.css";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App.js";
import { whenPlotly } from "./plotly.js";
import { parseRoute } from "./routes.js";

// A page opened on figures fetches Plotly's script now, before React has rendered it.
if (["study", "trial", "compare"].includes(parseRoute(window.location.hash).page)) {
  whenPlotly().catch(() => undefined);
}

const root = document.getElementById("root");
if (root !== null) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
