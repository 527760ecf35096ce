export * from "./latex/command-runner.ts";
export * from "./latex/forbidden-primitives.ts";
export * from "./latex/render-latex.ts";
export * from "./latex/types.ts";
export * from "./tool-definition.ts";
