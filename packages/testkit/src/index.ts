export * from "./anthropic/fake-anthropic.ts";
export type * from "./anthropic/file-types.ts";
export type * from "./anthropic/types.ts";
export * from "./bot-api/bot-api-error.ts";
export type { GroupSpec, UserChat, UserSpec } from "./bot-api/chat-directory.ts";
export * from "./bot-api/entity-rules.ts";
export * from "./bot-api/fake-bot-api.ts";
export type { BotMessageOptions, FakeWorld } from "./bot-api/fake-world.ts";
export type { InvoiceBook, SentInvoice } from "./bot-api/invoice-book.ts";
export type { HandlerContext, MethodHandler } from "./bot-api/method-handler.ts";
export {
  type PayInvoiceArgs,
  type PaymentOutcome,
  type PushedPayment,
  type PushPreCheckoutArgs,
  type PushRefundedPaymentArgs,
  type PushSuccessfulPaymentArgs,
  STARS_CURRENCY,
} from "./bot-api/payment-pushes.ts";
export {
  PRE_CHECKOUT_TIMEOUT_MS,
  type PreCheckoutAnswer,
  type PreCheckoutDesk,
} from "./bot-api/pre-checkout-desk.ts";
export type { NewStarCharge, StarCharge, StarsLedger } from "./bot-api/stars-ledger.ts";
export type * from "./bot-api/types.ts";
export type * from "./bot-api/user-pushes.ts";
export {
  ENVD_PORT as E2B_ENVD_PORT,
  JUPYTER_PORT as E2B_JUPYTER_PORT,
  startFakeE2B,
} from "./e2b/fake-e2b.ts";
export type * from "./e2b/types.ts";
export * from "./gemini/fake-gemini.ts";
export {
  ASPECT_RATIOS as GEMINI_ASPECT_RATIOS,
  DEFAULT_GEMINI_MODELS,
  imageOutputTokens as geminiImageOutputTokens,
  MAX_SOURCE_IMAGES as GEMINI_MAX_SOURCE_IMAGES,
  outputPixels as geminiOutputPixels,
} from "./gemini/models.ts";
export { readPngSize, solidPng } from "./gemini/png.ts";
export type * from "./gemini/types.ts";
export * from "./openai/fake-openai.ts";
export type * from "./openai/types.ts";
