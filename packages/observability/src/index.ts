/**
 * @bot/observability: structured logging, Prometheus metrics and the ops HTTP
 * server shared by every service.
 */
export type { Logger } from "pino";
export { type AdminDecision, decideAdminAccess, isLoopbackHost } from "./admin-access.ts";
export { type CorrelationIds, withCorrelation } from "./correlation.ts";
export { sendJson } from "./http-json.ts";
export { type CreateLoggerOptions, createLogger } from "./logger.ts";
export {
  type CreateMetricsOptions,
  createMetrics,
  type GaugeOptions,
  type HistogramOptions,
  MetricConflictError,
  type MetricOptions,
  type Metrics,
} from "./metrics.ts";
export {
  type HealthStatus,
  type OpsRoute,
  type OpsServer,
  type OpsServerOptions,
  startOpsServer,
} from "./ops-server.ts";
export { createPrettyDestination, formatPrettyLine } from "./pretty-destination.ts";
export { isSensitiveKey, REDACT_PATHS, REDACTED, redactToken, redactUrl } from "./redaction.ts";
export type { RouteParams } from "./route-pattern.ts";
export { type SerializedError, serializeError } from "./serialize-error.ts";
