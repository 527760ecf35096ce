import type { AnyEvent } from "@bot/domain";
import { type EventStore, formatPosition } from "@bot/eventstore";
import { type OpsRoute, sendJson } from "@bot/observability";
import { type ProjectionRunner, UnknownProjectionError } from "@bot/projection-runner";
import { rebuildWithProgress } from "./rebuild-with-progress.ts";

/**
 * Operator routes of a process that runs projections:
 * - `GET /admin/projections`: state and position of each projection;
 * - `POST /admin/projections/:name/rebuild`: blue/green rebuild, streaming
 *   NDJSON progress lines and a final `done` or `error` line. This is how
 *   `pnpm rebuild-projection` reaches a running embedded process, whose PGlite
 *   files no second process may open.
 */
export function projectionAdminRoutes<E extends AnyEvent>(
  runner: ProjectionRunner<E>,
  store: EventStore<E>,
): OpsRoute[] {
  return [
    {
      method: "GET",
      path: "/admin/projections",
      admin: true,
      handler(_req, res) {
        sendJson(res, 200, {
          projections: runner.status().map((status) => ({
            ...status,
            position: status.position ? formatPosition(status.position) : null,
          })),
        });
      },
    },
    {
      method: "POST",
      path: "/admin/projections/:name/rebuild",
      admin: true,
      async handler(_req, res, params) {
        const name = params.name ?? "";
        if (!runner.names.includes(name)) {
          sendJson(res, 404, { error: new UnknownProjectionError(name, runner.names).message });
          return;
        }
        res.writeHead(200, {
          "content-type": "application/x-ndjson; charset=utf-8",
          "cache-control": "no-store",
        });
        const controller = new AbortController();
        // The operator pressed Ctrl-C in the CLI: stop building, keep the live schema.
        res.on("close", () => {
          if (!res.writableFinished) controller.abort();
        });
        await rebuildWithProgress({
          runner,
          store,
          name,
          signal: controller.signal,
          onUpdate: (update) => res.write(`${JSON.stringify(update)}\n`),
        });
        res.end();
      },
    },
  ];
}
