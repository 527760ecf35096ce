/**
 * pnpm rebuild-projection <name>
 *
 * Rebuilds one read model blue/green: a fresh schema is built from the start of
 * the log while the live one keeps serving, then swapped in atomically. Shows
 * events/s, position and ETA while it runs.
 *
 * Embedded store: PGlite files may be opened by one process only, so when a bot
 * or projector holds DATA_DIR the rebuild runs inside that process through its
 * ops endpoint; otherwise the files are opened here. Server stores are opened
 * directly (the live projector elsewhere keeps running).
 *
 * Exit codes: 0 swapped, 1 failed or aborted, 2 bad usage.
 */
import { type AppConfig, formatConfigError, loadConfig } from "@bot/config";
import { createLogger, createMetrics } from "@bot/observability";
import { openInfrastructure } from "@bot/platform";
import { createRunnerMetrics, ProjectionRunner } from "@bot/projection-runner";
import { allProjections, type RebuildUpdate, rebuildWithProgress } from "@bot/projector";
import { readLiveLock } from "@bot/sql";
import { createProgressLine } from "./progress-line.ts";

function usage(message: string): never {
  process.stderr.write(
    `${message}\nusage: pnpm rebuild-projection <name>   (known: ${allProjections.map((p) => p.name).join(", ")})\n`,
  );
  process.exit(2);
}

function render(update: RebuildUpdate, line: ReturnType<typeof createProgressLine>): void {
  if (update.type === "progress") {
    line.update(update.projection, update, update.position);
    return;
  }
  line.done();
  if (update.type === "done") {
    process.stdout.write(
      update.outcome === "swapped"
        ? `${update.projection}: rebuilt and swapped in (${update.eventsApplied} events applied, position ${update.position}, ${update.seconds.toFixed(1)} s)\n`
        : `${update.projection}: rebuild aborted; the live read model is unchanged\n`,
    );
  } else {
    process.stderr.write(`${update.projection}: rebuild failed: ${update.message}\n`);
  }
}

/** Asks the process holding the embedded data directory to rebuild, streaming its progress. */
async function rebuildRemotely(
  config: AppConfig,
  opsUrl: string,
  name: string,
): Promise<RebuildUpdate | null> {
  const line = createProgressLine();
  const response = await fetch(`${opsUrl}/admin/projections/${encodeURIComponent(name)}/rebuild`, {
    method: "POST",
    headers: config.ops.token ? { authorization: `Bearer ${config.ops.token}` } : {},
  });
  if (!response.ok || !response.body) {
    process.stderr.write(`${opsUrl} refused the rebuild: HTTP ${response.status} ${await response.text()}\n`);
    return null;
  }
  let final: RebuildUpdate | null = null;
  let buffer = "";
  const decoder = new TextDecoder();
  for await (const chunk of response.body) {
    buffer += decoder.decode(chunk as Uint8Array, { stream: true });
    let newline = buffer.indexOf("\n");
    while (newline >= 0) {
      const update = JSON.parse(buffer.slice(0, newline)) as RebuildUpdate;
      buffer = buffer.slice(newline + 1);
      render(update, line);
      if (update.type !== "progress") final = update;
      newline = buffer.indexOf("\n");
    }
  }
  return final;
}

async function rebuildHere(config: AppConfig, name: string): Promise<RebuildUpdate> {
  const logger = createLogger({
    level: config.log.level === "info" ? "warn" : config.log.level,
    name: "rebuild-projection",
  });
  const metrics = createMetrics({ defaultMetrics: false });
  const infrastructure = await openInfrastructure(config, {
    logger,
    metrics,
    applicationName: "rebuild-projection",
  });
  const controller = new AbortController();
  process.once("SIGINT", () => controller.abort());
  try {
    const runner = new ProjectionRunner({
      store: infrastructure.store,
      sql: infrastructure.readModels,
      projections: allProjections.filter((projection) => projection.name === name),
      logger,
      metrics: createRunnerMetrics(metrics),
    });
    const line = createProgressLine();
    return await rebuildWithProgress({
      runner,
      store: infrastructure.store,
      name,
      signal: controller.signal,
      onUpdate: (update) => render(update, line),
    });
  } finally {
    await infrastructure.close();
  }
}

const [name, ...extra] = process.argv.slice(2);
if (!name || extra.length > 0) usage(name ? `unexpected arguments: ${extra.join(" ")}` : "which projection?");
if (!allProjections.some((projection) => projection.name === name)) usage(`unknown projection "${name}"`);

let config: AppConfig;
try {
  config = loadConfig();
} catch (error) {
  process.stderr.write(`${formatConfigError(error)}\n`);
  process.exit(2);
}

const holder = config.store.kind === "pglite" ? readLiveLock(config.dataDir) : null;
let final: RebuildUpdate | null;
if (holder) {
  const opsUrl = typeof holder.opsUrl === "string" ? holder.opsUrl : null;
  if (!opsUrl) {
    process.stderr.write(
      `${config.dataDir} is in use by process ${holder.pid}, which has no ops endpoint; stop it and retry\n`,
    );
    process.exit(1);
  }
  process.stderr.write(
    `${config.dataDir} is in use by process ${holder.pid}; rebuilding through ${opsUrl}\n`,
  );
  final = await rebuildRemotely(config, opsUrl, name);
} else {
  final = await rebuildHere(config, name);
}
process.exit(final?.type === "done" && final.outcome === "swapped" ? 0 : 1);
