export { MAX_TRANSCRIPTION_BYTES, TRANSCRIBABLE_EXTENSIONS } from "./audio/audio-format.ts";
export {
  createTranscribeAudioTool,
  DEFAULT_MAX_TRANSCRIPT_CHARS,
  type TranscribeAudioInput,
  type TranscribeAudioToolOptions,
} from "./audio/transcribe-audio-tool.ts";
export {
  AUDIO_SECONDS_UNIT,
  createTranscriber,
  type TranscribeRequest,
  type Transcriber,
  type TranscriberOptions,
  type Transcript,
} from "./audio/transcriber.ts";
export { TranscriptionError, type TranscriptionErrorKind } from "./audio/transcription-error.ts";
export {
  DEFAULT_TRANSCRIPTION_MODEL,
  TRANSCRIPTION_MODELS,
  type TranscriptionModel,
} from "./audio/transcription-models.ts";
export * from "./critique/self-critique-tool.ts";
export {
  createDeliverFileTool,
  type DeliverFileInput,
  MAX_CAPTION_CHARS,
} from "./files/deliver-file-tool.ts";
export { type ImageFormat, type ImageHeader, readImageHeader } from "./files/image-header.ts";
export { createListFilesTool, type ListFilesToolOptions } from "./files/list-files-tool.ts";
export { type PhotoFit, photoFit, TELEGRAM_PHOTO_LIMITS } from "./files/photo-limits.ts";
export { PREVIEW_LIMITS } from "./files/preview/limits.ts";
export { createPreviewFileTool, type PreviewFileInput } from "./files/preview-file-tool.ts";
export {
  createGenerateImageTool,
  type GenerateImageInput,
  type GenerateImageToolOptions,
} from "./image/generate-image-tool.ts";
export { ImageGenerationError, type ImageGenerationErrorKind } from "./image/image-generation-error.ts";
export {
  createImageGenerator,
  type GeneratedImage,
  type GeneratedImages,
  type ImageGenerator,
  type ImageGeneratorOptions,
  type ImageRequest,
  type SourceImage,
} from "./image/image-generator.ts";
export {
  ASPECT_RATIOS,
  type AspectRatio,
  DEFAULT_ASPECT_RATIO,
  DEFAULT_IMAGE_MODEL,
  DEFAULT_IMAGE_SIZE,
  IMAGE_SIZES,
  type ImageSize,
  MAX_SOURCE_IMAGES,
  RETIRED_IMAGE_MODELS,
} from "./image/image-options.ts";
export * from "./latex/command-runner.ts";
export * from "./latex/forbidden-primitives.ts";
export * from "./latex/render-latex.ts";
export * from "./latex/types.ts";
export {
  createRenderLatexTool,
  type RenderLatexToolInput,
  type RenderLatexToolOptions,
} from "./latex-tool/render-latex-tool.ts";
export {
  bundledToolPrices,
  requireToolPrices,
  type ToolPriceSource,
  toolChargeFor,
} from "./pricing/tool-charge.ts";
export * from "./python/execute-python.ts";
export * from "./python/input-schema.ts";
export * from "./python/options.ts";
export * from "./python/requirements.ts";
export * from "./python/sandbox-charge.ts";
export * from "./tool-definition.ts";
export { createToolBox, type ToolBoxOptions } from "./toolbox/create-tool-box.ts";
export { toolInputSchema } from "./toolbox/input-schema.ts";
export * from "./vision/analyze-tools.ts";
export * from "./vision/model-call-charge.ts";
export { serverToolSpecs, type WebFetchOptions, type WebSearchOptions } from "./web/server-tools.ts";
