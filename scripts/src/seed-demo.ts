/**
 * pnpm seed-demo [threads] [messages-per-thread]
 *
 * Appends demo conversations to the configured store (embedded by default), so a
 * fresh installation has something to project, rebuild and benchmark. Refuses
 * when a running process holds the embedded data directory.
 */
import { formatConfigError, loadConfig } from "@bot/config";
import { describePosition } from "@bot/eventstore";
import { createLogger, createMetrics } from "@bot/observability";
import { openInfrastructure } from "@bot/platform";
import { seedDemoConversations } from "@bot/projector";

const [threadsArg = "10", messagesArg = "100", ...extra] = process.argv.slice(2);
const threads = Number(threadsArg);
const messagesPerThread = Number(messagesArg);
if (
  extra.length > 0 ||
  !Number.isInteger(threads) ||
  threads < 1 ||
  !Number.isInteger(messagesPerThread) ||
  messagesPerThread < 1
) {
  process.stderr.write("usage: pnpm seed-demo [threads >= 1] [messages-per-thread >= 1]\n");
  process.exit(2);
}

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (error) {
  process.stderr.write(`${formatConfigError(error)}\n`);
  process.exit(2);
}

const infrastructure = await openInfrastructure(config, {
  logger: createLogger({ level: "warn", name: "seed-demo" }),
  metrics: createMetrics({ defaultMetrics: false }),
  applicationName: "seed-demo",
}).catch((error: unknown) => {
  process.stderr.write(`seed-demo: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
try {
  const last = await seedDemoConversations(infrastructure.store, {
    threads,
    messagesPerThread,
    firstUserId: 900_000_000 + Math.floor(Math.random() * 1_000_000) * 1000,
  });
  process.stdout.write(
    `appended ${threads * messagesPerThread} MessageReceived events in ${threads} threads (last position ${describePosition(last)})\n`,
  );
} finally {
  await infrastructure.close();
}
