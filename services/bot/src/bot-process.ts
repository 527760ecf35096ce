import { createServer, type Server } from "node:http";
import { join } from "node:path";
import {
  type GenerationEnvironment,
  SettingsStore,
  ThreadActorHost,
  threadEffects,
  UserAccountStore,
} from "@bot/actors";
import type { AppConfig } from "@bot/config";
import { type DomainEvent, nanoUsd } from "@bot/domain";
import { randomIds, systemClock } from "@bot/domain/system";
import { createKeyValueStore } from "@bot/kv";
import { createAnthropicProvider, type LlmProvider, modelRegistry } from "@bot/llm";
import { createMetrics, type Logger, type OpsServer, startOpsServer } from "@bot/observability";
import { type Infrastructure, openInfrastructure } from "@bot/platform";
import { createRunnerMetrics, ProjectionRunner, waitForCheckpoint } from "@bot/projection-runner";
import { projectionAdminRoutes, selectProjections } from "@bot/projector";
import { InvoicePayloadCodec, TelegramAnswerRenderer } from "@bot/telegram";
import { autoRetry } from "@grammyjs/auto-retry";
import { type RunnerHandle, run } from "@grammyjs/runner";
import { Bot, webhookCallback } from "grammy";
import { Broadcaster } from "./admin/broadcaster.ts";
import { createBotMetrics } from "./bot-metrics.ts";
import { publishCommands } from "./command-registry.ts";
import { createBot } from "./create-bot.ts";
import { DiskFileStore } from "./files/disk-file-store.ts";
import { cleanUpProviderFiles, PROVIDER_FILE_CLEANUP_INTERVAL_MS } from "./files/provider-file-cleanup.ts";
import { sharpImageConverter } from "./files/sharp-image-converter.ts";
import { TelegramFileTransport } from "./files/telegram-file-transport.ts";
import { generationTexts } from "./generation-texts.ts";
import { ReadModelBalanceGate } from "./money/balance-gate.ts";
import { BalanceReader, type WaitForProjection } from "./money/balance-reader.ts";
import { PaymentService } from "./money/payment-service.ts";
import { settlePendingRefunds } from "./money/refund-recovery.ts";
import { RefundSaga } from "./money/refund-saga.ts";
import { recoverInterruptedThreads } from "./recovery.ts";
import { globalSystemPrompt } from "./system-prompt.ts";
import { createBotTools } from "./tools/bot-tools.ts";

/** Updates the bot asks Telegram for. */
export const ALLOWED_UPDATES = [
  "message",
  "edited_message",
  "callback_query",
  "pre_checkout_query",
  "stopped_message_generation",
] as const;

/** How often refunds whose outcome is unknown are asked about again. */
const REFUND_RECHECK_MS = 5 * 60_000;

/** A running bot process. */
export interface BotProcess {
  readonly infrastructure: Infrastructure;
  readonly host: ThreadActorHost;
  readonly projections: ProjectionRunner<DomainEvent> | null;
  readonly ops: OpsServer;
  readonly bot: Bot;
  stop(): Promise<void>;
}

/** Test seams: the model provider can be replaced (the end-to-end tests use the real SDK against a fake server). */
export interface BotProcessOverrides {
  readonly provider?: LlmProvider;
}

function chooseDefaultModel(config: AppConfig) {
  if (!config.bot.defaultModel) return modelRegistry.defaultModel();
  const model = modelRegistry.findModel(config.bot.defaultModel);
  if (!model) {
    throw new Error(
      `DEFAULT_MODEL is invalid: "${config.bot.defaultModel}" is not in the model registry (${modelRegistry
        .listModels()
        .map((entry) => entry.id)
        .join(", ")})`,
    );
  }
  return model;
}

/**
 * Starts the bot: stores, in-process projections (embedded store, or
 * BOT_RUN_PROJECTIONS), the thread actor host, grammY with auto-retry on 429s,
 * recovery of answers interrupted by the last stop, long polling (or the webhook
 * server), and the ops server (/metrics, /healthz, projection admin routes).
 */
export async function startBot(
  config: AppConfig,
  logger: Logger,
  overrides: BotProcessOverrides = {},
): Promise<BotProcess> {
  const token = config.secrets.telegramBotToken;
  const apiKey = config.secrets.anthropicApiKey;
  if (!token || !apiKey) throw new Error("TELEGRAM_BOT_TOKEN and ANTHROPIC_API_KEY are required");
  const defaultModel = chooseDefaultModel(config);
  const metrics = createMetrics({ labels: { service: "bot" } });
  const botMetrics = createBotMetrics(metrics);
  const infrastructure = await openInfrastructure(config, { logger, metrics, applicationName: "bot" });
  const cleanups: (() => Promise<void>)[] = [() => infrastructure.close()];
  try {
    const runsProjections =
      config.bot.runProjections === "auto" ? infrastructure.kind === "pglite" : config.bot.runProjections;
    const projections = runsProjections
      ? new ProjectionRunner({
          store: infrastructure.store,
          sql: infrastructure.readModels,
          projections: selectProjections(config.projections),
          logger,
          metrics: createRunnerMetrics(metrics),
        })
      : null;
    projections?.start();
    if (projections) cleanups.unshift(() => projections.stop());

    const bot = new Bot(token, { client: { apiRoot: config.endpoints.telegramApiRoot } });
    // 429s are waited out (retry_after) and retried, so no text is lost or sent twice.
    bot.api.config.use(autoRetry({ maxRetryAttempts: 6, maxDelaySeconds: 300 }));
    await bot.init();
    const source = { clock: systemClock, ids: randomIds };
    const provider =
      overrides.provider ??
      createAnthropicProvider({
        apiKey,
        ...(config.endpoints.anthropicBaseUrl ? { baseURL: config.endpoints.anthropicBaseUrl } : {}),
      });
    const users = new UserAccountStore(infrastructure.store, source);
    const settings = new SettingsStore(infrastructure.store, source);
    const models = {
      listModels: () => modelRegistry.listModels(),
      findModel: (id: string) => modelRegistry.findModel(id),
      defaultModel: () => defaultModel,
    };
    const kv = createKeyValueStore({
      ...(config.redisUrl ? { redisUrl: config.redisUrl } : {}),
      prefix: `bot:${bot.botInfo.id}:`,
      logger,
    });
    cleanups.push(() => kv.close());
    const waitFor: WaitForProjection = projections
      ? (name, position, timeoutMs) => projections.waitFor(name, position, { timeoutMs })
      : (name, position, timeoutMs) =>
          waitForCheckpoint(infrastructure.readModels, name, position, { timeoutMs });
    const balances = new BalanceReader({
      readModels: infrastructure.readModels,
      store: infrastructure.store,
      waitFor,
      privileged: new Set(config.money.privilegedUsers),
      logger,
    });
    if (!config.secrets.paymentPayloadSecret) {
      logger.warn(
        "PAYMENT_PAYLOAD_SECRET is not set: invoice payloads are signed with a key derived from the bot token",
      );
    }
    const refunds = new RefundSaga({ api: bot.api, users, logger });
    const payments = new PaymentService({
      users,
      settings,
      balances,
      codec: new InvoicePayloadCodec(config.secrets.paymentPayloadSecret ?? token),
      refunds,
      clock: systemClock,
      ids: randomIds,
      logger,
      invoiceTtlMs: config.money.invoiceTtlMinutes * 60_000,
      metrics: botMetrics.payments,
    });
    const fileStore = new DiskFileStore(join(config.dataDir, "files"));
    const botTools = createBotTools(config, { clock: systemClock, provider });
    logger.info({ tools: botTools.names }, "tools offered to the model");
    const env: GenerationEnvironment = {
      provider,
      fileStore,
      fileTransport: new TelegramFileTransport({
        api: bot.api,
        token,
        apiRoot: config.endpoints.telegramApiRoot,
        store: fileStore,
      }),
      models,
      renderer: new TelegramAnswerRenderer(bot.api, logger, config.bot.cadence),
      users,
      balances: new ReadModelBalanceGate(balances, kv, bot.api),
      texts: generationTexts,
      ids: randomIds,
      clock: systemClock,
      logger,
      globalPrompt: globalSystemPrompt,
      cacheWriteSubsidy: () => settings.cached().cacheWriteSubsidy,
      maxOutputTokens: config.bot.maxOutputTokens,
      observer: botMetrics.generation,
      tools: botTools.toolBox,
      ...(botTools.transcriber ? { transcriber: botTools.transcriber } : {}),
      imageConverter: sharpImageConverter,
      maxToolIterations: config.tools.maxIterations,
    };
    const host = new ThreadActorHost({
      store: infrastructure.store,
      source,
      logger,
      timings: { batchWindowMs: config.bot.batchWindowMs, idleTimeoutMs: config.bot.passivateAfterMs },
      effects: threadEffects(env),
      onLiveActorsChanged: (count) => botMetrics.liveActors(count),
    });
    cleanups.unshift(() => host.shutdown());
    const broadcaster = new Broadcaster({ api: bot.api, store: infrastructure.store, source, logger });
    cleanups.unshift(() => broadcaster.stop());
    await settings.current();
    createBot(bot, {
      host,
      users,
      models,
      logger,
      metrics: botMetrics,
      botInfo: bot.botInfo,
      broadcaster,
      ids: randomIds,
      money: {
        users,
        settings,
        balances,
        payments,
        kv,
        readModels: infrastructure.readModels,
        starterBalance: nanoUsd(config.money.starterBalance),
        supportContact: config.money.supportContact ?? null,
      },
    });
    await publishCommands(bot.api, config.money.privilegedUsers);

    let polling: RunnerHandle | null = null;
    let webhookServer: Server | null = null;
    const ops = await startOpsServer({
      host: config.ops.host,
      port: config.ops.port,
      registry: metrics.registry,
      logger,
      ...(config.ops.token ? { token: config.ops.token } : {}),
      routes: projections ? projectionAdminRoutes(projections, infrastructure.store) : [],
      health: async () => {
        const states = projections?.status() ?? [];
        const receiving = webhookServer !== null || polling?.isRunning() === true;
        return {
          ok: receiving && states.every((state) => state.state !== "failed"),
          details: {
            store: infrastructure.kind,
            updates: config.bot.webhook ? "webhook" : "polling",
            receiving,
            liveThreads: host.liveCount,
            projections: states.map(({ name, state }) => ({ name, state })),
          },
        };
      },
    });
    cleanups.unshift(() => ops.close());
    infrastructure.annotate({ service: "bot", opsUrl: ops.url });

    await recoverInterruptedThreads({
      store: infrastructure.store,
      readModels: infrastructure.readModels,
      host,
      logger,
      ...(projections
        ? { waitFor: (position) => projections.waitFor("threads", position, { timeoutMs: 60_000 }) }
        : {}),
    });

    const refundRecovery = {
      store: infrastructure.store,
      readModels: infrastructure.readModels,
      waitFor,
      saga: refunds,
      api: bot.api,
      logger,
    };
    await settlePendingRefunds(refundRecovery).catch((error: unknown) =>
      logger.error({ err: error }, "pending refunds could not be settled at start"),
    );
    const refundTimer = setInterval(() => {
      settlePendingRefunds({ ...refundRecovery, olderThanMs: 60_000 }).catch((error: unknown) =>
        logger.error({ err: error }, "pending refunds could not be settled"),
      );
    }, REFUND_RECHECK_MS);
    refundTimer.unref();
    cleanups.unshift(async () => clearInterval(refundTimer));

    // Provider-side copies of files (Anthropic Files API) are deleted when they expire or
    // outlive the retention window; the first pass waits a minute so start-up stays quick.
    const providerFiles = provider.files;
    if (providerFiles) {
      const cleanUp = () =>
        cleanUpProviderFiles({
          readModels: infrastructure.readModels,
          stores: { anthropic: providerFiles },
          record: (key, deletion, context) => host.recordProviderFileDeleted(key, deletion, context),
          now: () => systemClock.now(),
          logger,
        }).catch((error: unknown) => logger.error({ err: error }, "provider file clean-up failed"));
      const firstCleanUp = setTimeout(() => void cleanUp(), 60_000);
      const cleanUpTimer = setInterval(() => void cleanUp(), PROVIDER_FILE_CLEANUP_INTERVAL_MS);
      firstCleanUp.unref();
      cleanUpTimer.unref();
      cleanups.unshift(async () => {
        clearTimeout(firstCleanUp);
        clearInterval(cleanUpTimer);
      });
    }

    if (config.bot.webhook) {
      const webhook = config.bot.webhook;
      const path = new URL(webhook.url).pathname || "/";
      const handle = webhookCallback(bot, "http", {
        ...(webhook.secret ? { secretToken: webhook.secret } : {}),
        onTimeout: "return",
        timeoutMilliseconds: 9_000,
      });
      webhookServer = createServer((req, res) => {
        if (req.method === "POST" && req.url?.split("?")[0] === path) {
          handle(req, res).catch((error: unknown) => {
            logger.error({ err: error }, "webhook update failed");
            if (!res.headersSent) res.writeHead(500).end();
          });
          return;
        }
        res.writeHead(404).end();
      });
      const server = webhookServer;
      await new Promise<void>((resolve) => server.listen(webhook.port, webhook.host, resolve));
      await bot.api.setWebhook(webhook.url, {
        allowed_updates: [...ALLOWED_UPDATES],
        ...(webhook.secret ? { secret_token: webhook.secret } : {}),
      });
      cleanups.unshift(() => new Promise<void>((resolve) => server.close(() => resolve())));
      logger.info({ url: webhook.url, port: webhook.port }, "receiving updates by webhook");
    } else {
      await bot.api.deleteWebhook();
      polling = run(bot, { runner: { fetch: { allowed_updates: [...ALLOWED_UPDATES] } } });
      const handle = polling;
      cleanups.unshift(async () => {
        if (handle.isRunning()) await handle.stop();
      });
      logger.info({ bot: bot.botInfo.username }, "receiving updates by long polling");
    }
    logger.info(
      {
        store: infrastructure.kind,
        projections: projections?.names ?? [],
        ops: ops.url,
        defaultModel: defaultModel.id,
      },
      "bot started",
    );
    return {
      infrastructure,
      host,
      projections,
      ops,
      bot,
      async stop() {
        for (const cleanup of cleanups) {
          await cleanup().catch((error: unknown) => logger.error({ err: error }, "error while stopping"));
        }
      },
    };
  } catch (error) {
    for (const cleanup of cleanups) await cleanup().catch(() => undefined);
    throw error;
  }
}
