import type { ToolBox } from "@bot/actors";
import type { AppConfig } from "@bot/config";
import type { Clock } from "@bot/domain";
import { DEFAULT_WEB_SEARCH_PRICE_NANO_USD, type LlmProvider, modelRegistry } from "@bot/llm";
import {
  createAnalyzeImageTool,
  createAnalyzePdfTool,
  createDeliverFileTool,
  createExecutePythonTool,
  createGenerateImageTool,
  createListFilesTool,
  createPreviewFileTool,
  createRenderLatexTool,
  createSelfCritiqueTool,
  createToolBox,
  createTranscribeAudioTool,
  createTranscriber,
  type ToolDefinition,
  type Transcriber,
} from "@bot/tools";

/** What the bot's tools are made of; provider tools appear only with their provider's key. */
export interface BotTools {
  readonly toolBox: ToolBox;
  /** Voice notes are transcribed with it before the model sees them (needs OPENAI_API_KEY). */
  readonly transcriber: Transcriber | null;
  /** The names offered, for the start-up log. */
  readonly names: readonly string[];
}

/**
 * The tool box of the bot: the free file and LaTeX tools always, web search and fetch
 * unless turned off, and each paid provider tool when its key is configured (a tool
 * whose provider cannot be reached is better not offered than offered and failing).
 */
export function createBotTools(
  config: AppConfig,
  deps: { readonly clock: Clock; readonly provider: LlmProvider },
): BotTools {
  const { secrets, endpoints, tools: settings } = config;
  const visionModel = modelRegistry.findModel(settings.visionModel);
  if (!visionModel?.capabilities.vision) {
    throw new Error(`VISION_MODEL "${settings.visionModel}" is not a vision model of the registry`);
  }
  const critiqueModel = modelRegistry.findModel(settings.critiqueModel);
  if (!critiqueModel)
    throw new Error(`CRITIQUE_MODEL "${settings.critiqueModel}" is not in the model registry`);
  const transcriber = secrets.openaiApiKey
    ? createTranscriber({
        apiKey: secrets.openaiApiKey,
        model: settings.transcriptionModel,
        ...(endpoints.openaiBaseUrl ? { baseURL: endpoints.openaiBaseUrl } : {}),
      })
    : null;
  const definitions: ToolDefinition[] = [
    createRenderLatexTool() as ToolDefinition,
    createListFilesTool({ clock: deps.clock }) as ToolDefinition,
    createDeliverFileTool() as ToolDefinition,
    createPreviewFileTool({ vision: { provider: deps.provider, model: visionModel } }) as ToolDefinition,
    createAnalyzeImageTool({ provider: deps.provider, model: visionModel }) as ToolDefinition,
    createAnalyzePdfTool({ provider: deps.provider, model: visionModel }) as ToolDefinition,
    createSelfCritiqueTool({
      provider: deps.provider,
      model: critiqueModel,
      webSearchPriceNanoUsd: DEFAULT_WEB_SEARCH_PRICE_NANO_USD,
    }) as ToolDefinition,
  ];
  if (transcriber) definitions.push(createTranscribeAudioTool({ transcriber }) as ToolDefinition);
  if (secrets.geminiApiKey) {
    definitions.push(
      createGenerateImageTool({
        apiKey: secrets.geminiApiKey,
        model: settings.imageModel,
        ...(endpoints.googleGeminiBaseUrl ? { baseUrl: endpoints.googleGeminiBaseUrl } : {}),
      }) as ToolDefinition,
    );
  }
  if (secrets.e2bApiKey) {
    definitions.push(
      createExecutePythonTool({
        apiKey: secrets.e2bApiKey,
        registry: modelRegistry,
        clock: deps.clock,
        ...(endpoints.e2bApiUrl ? { apiUrl: endpoints.e2bApiUrl } : {}),
        ...(endpoints.e2bSandboxUrl ? { sandboxUrl: endpoints.e2bSandboxUrl } : {}),
      }) as ToolDefinition,
    );
  }
  const webSearch = settings.webSearchMaxUses > 0 ? { maxUses: settings.webSearchMaxUses } : null;
  const webFetch =
    settings.webFetchMaxUses > 0 ? { maxUses: settings.webFetchMaxUses, maxContentTokens: 50_000 } : null;
  const toolBox = createToolBox({
    tools: definitions,
    ...(webSearch ? { webSearch } : {}),
    ...(webFetch ? { webFetch } : {}),
  });
  const names = [
    ...definitions.map((tool) => tool.name),
    ...(webSearch ? ["web_search"] : []),
    ...(webFetch ? ["web_fetch"] : []),
  ];
  return { toolBox, transcriber, names };
}
