import { formatConfigError, loadConfig } from "@bot/config";
import { createLogger } from "@bot/observability";
import { onShutdownSignal } from "@bot/platform";
import { DataDirLockedError } from "@bot/sql";
import { startBot } from "./bot-process.ts";

// A missing token or key stops the bot with one message naming the secret file / env var.
let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig({ require: ["TELEGRAM_BOT_TOKEN", "ANTHROPIC_API_KEY"] });
} catch (error) {
  process.stderr.write(`${formatConfigError(error)}\n`);
  process.exit(1);
}

const logger = createLogger({ level: config.log.level, pretty: config.log.pretty, name: "bot" });
try {
  const bot = await startBot(config, logger);
  onShutdownSignal(logger, () => bot.stop());
} catch (error) {
  if (error instanceof DataDirLockedError) {
    process.stderr.write(`bot: ${error.message}\n`);
    process.exit(1);
  }
  logger.fatal({ err: error }, "bot failed to start");
  process.exit(1);
}
