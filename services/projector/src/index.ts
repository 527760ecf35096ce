export * from "./admin-routes.ts";
export * from "./demo-conversations.ts";
export * from "./projections.ts";
export * from "./projector-process.ts";
export * from "./rebuild-with-progress.ts";
