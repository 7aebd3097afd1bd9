/** `skipjack dashboard`'s server: the JSON API, the UI's files, and listening. */
export type * from "./api-types.js";
export { createDashboardApp, type DashboardAppOptions } from "./app.js";
export { combinedApiDocument } from "./openapi.js";
export { DASHBOARD_ROUTES } from "./routes.js";
export { type Dashboard, type DashboardOptions, startDashboard } from "./server.js";
