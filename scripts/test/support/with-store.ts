import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadConfig } from "@bot/config";
import { createLogger, createMetrics } from "@bot/observability";
import { type Infrastructure, openInfrastructure } from "@bot/platform";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

/**
 * Opens the store that `env` configures (as the CLIs would, no secrets), runs `work`
 * on it and closes it, so a CLI run afterwards finds the data directory free.
 */
export async function withStore<T>(
  env: Record<string, string>,
  work: (infrastructure: Infrastructure) => Promise<T>,
): Promise<T> {
  const config = loadConfig({
    env: { LOG_LEVEL: "warn", ...env },
    cwd: root,
    secretsDir: join(root, "no-secrets"),
  });
  const infrastructure = await openInfrastructure(config, {
    logger: createLogger({ level: "silent" }),
    metrics: createMetrics({ defaultMetrics: false }),
    applicationName: "cli-test",
  });
  try {
    return await work(infrastructure);
  } finally {
    await infrastructure.close();
  }
}
