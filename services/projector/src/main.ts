import { formatConfigError, loadConfig } from "@bot/config";
import { createLogger } from "@bot/observability";
import { onShutdownSignal } from "@bot/platform";
import { DataDirLockedError } from "@bot/sql";
import { startProjector } from "./projector-process.ts";

// Configuration problems end the process with one message naming every setting.
let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (error) {
  process.stderr.write(`${formatConfigError(error)}\n`);
  process.exit(1);
}

const logger = createLogger({ level: config.log.level, pretty: config.log.pretty, name: "projector" });
try {
  const projector = await startProjector(config, logger);
  onShutdownSignal(logger, () => projector.stop());
} catch (error) {
  if (error instanceof DataDirLockedError) {
    process.stderr.write(`projector: ${error.message}\n`);
    process.exit(1);
  }
  logger.fatal({ err: error }, "projector failed to start");
  process.exit(1);
}
