import type { AppConfig } from "@bot/config";
import type { DomainEvent } from "@bot/domain";
import { createMetrics, type Logger, type OpsServer, startOpsServer } from "@bot/observability";
import { type Infrastructure, openInfrastructure } from "@bot/platform";
import { createRunnerMetrics, ProjectionRunner } from "@bot/projection-runner";
import { projectionAdminRoutes } from "./admin-routes.ts";
import { selectProjections } from "./projections.ts";

/** A running projector: its runner, ops server and stores. */
export interface ProjectorProcess {
  readonly runner: ProjectionRunner<DomainEvent>;
  readonly infrastructure: Infrastructure;
  readonly ops: OpsServer;
  stop(): Promise<void>;
}

/**
 * Starts the projector: opens the configured stores, runs the selected
 * projections, serves /metrics, /healthz and the projection admin routes, and
 * records its ops URL in the embedded data directory's lock (for the CLI).
 */
export async function startProjector(config: AppConfig, logger: Logger): Promise<ProjectorProcess> {
  const projections = selectProjections(config.projections);
  const metrics = createMetrics({ labels: { service: "projector" } });
  const infrastructure = await openInfrastructure(config, { logger, metrics, applicationName: "projector" });
  const runner = new ProjectionRunner({
    store: infrastructure.store,
    sql: infrastructure.readModels,
    projections,
    logger,
    metrics: createRunnerMetrics(metrics),
  });
  runner.start();
  let ops: OpsServer;
  try {
    ops = await startOpsServer({
      host: config.ops.host,
      port: config.ops.port,
      registry: metrics.registry,
      logger,
      ...(config.ops.token ? { token: config.ops.token } : {}),
      routes: projectionAdminRoutes(runner, infrastructure.store),
      health: async () => {
        const projections = runner.status();
        return {
          ok: projections.every((projection) => projection.state !== "failed"),
          details: {
            store: infrastructure.kind,
            projections: projections.map(({ name, state, error }) => ({ name, state, error })),
          },
        };
      },
    });
  } catch (error) {
    await runner.stop();
    await infrastructure.close();
    throw error;
  }
  infrastructure.annotate({ service: "projector", opsUrl: ops.url });
  logger.info({ store: infrastructure.kind, ops: ops.url, projections: runner.names }, "projector started");
  return {
    runner,
    infrastructure,
    ops,
    async stop() {
      await runner.stop();
      await ops.close();
      await infrastructure.close();
    },
  };
}
