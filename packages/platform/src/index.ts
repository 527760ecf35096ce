export * from "./infrastructure.ts";
export * from "./shutdown.ts";
