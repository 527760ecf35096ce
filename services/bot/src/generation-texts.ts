import type { GenerationTexts } from "@bot/actors";
import { textsFor } from "@bot/telegram";

/** The generation runner's notes, in the user's language. */
export const generationTexts: GenerationTexts = {
  stopNotice(stopReason, language) {
    const texts = textsFor(language);
    switch (stopReason) {
      case "max_tokens":
        return texts.cutAtMaxTokens;
      case "refusal":
        return texts.refused;
      case "model_context_window_exceeded":
        return texts.contextWindowExceeded;
      case "pause_turn":
        return texts.pausedTurn;
      default:
        return null;
    }
  },
  errorNotice(errorKind, retryAfterSeconds, language) {
    const texts = textsFor(language);
    switch (errorKind) {
      case "overloaded":
        return texts.errorOverloaded;
      case "rate_limited":
        return texts.errorRateLimited(retryAfterSeconds);
      case "timeout":
        return texts.errorTimeout;
      case "connection":
        return texts.errorConnection;
      case "context_window_exceeded":
        return texts.contextWindowExceeded;
      default:
        return texts.errorGeneric;
    }
  },
  interruptedByErrorNotice(errorKind, language) {
    const texts = textsFor(language);
    return texts.interruptedByError(generationTexts.errorNotice(errorKind, null, language));
  },
  emptyAnswerNotice(language) {
    return textsFor(language).emptyAnswer;
  },
  toolStatus(toolNames, language) {
    return textsFor(language).toolStatus([...new Set(toolNames)].join(", "));
  },
  toolLimitNotice(maxCalls, language) {
    return textsFor(language).toolLimit(maxCalls);
  },
  transcriptNotice(transcript, language) {
    const shown = transcript.length > 300 ? `${transcript.slice(0, 300)}…` : transcript;
    return textsFor(language).transcriptUsed(shown);
  },
};
