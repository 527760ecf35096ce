import { parseThreadStream, type ThreadEvent } from "@bot/domain";
import type { RecordedEvent } from "@bot/eventstore";

/** Longest title kept, in UTF-16 code units (cut at a whole code point). */
export const TITLE_LENGTH = 80;

/**
 * The change a run of consecutive events makes to one thread row. Applying the
 * patch of a run equals applying its events one by one; that is what lets the
 * projection write a whole batch with one statement.
 */
export interface ThreadPatch {
  stream: string;
  chatId: number;
  topicId: number | null;
  userId: number;
  chatType: string | null;
  /** With `resets > 0`: the new title (null: none yet). Otherwise a title for a row that has none. */
  title: string | null;
  modelId: string | null;
  messages: number;
  /** With `resets > 0`: messages since the last reset. Otherwise messages to add. */
  contextMessages: number;
  resets: number;
  firstAt: string;
  lastAt: string;
  lastRevision: string;
}

const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/** A title from message text: whitespace collapsed, cut to {@link TITLE_LENGTH}. */
export function titleOf(text: string): string | null {
  const collapsed = text.replace(/\s+/g, " ").trim();
  if (collapsed.length === 0) return null;
  if (collapsed.length <= TITLE_LENGTH) return collapsed;
  // Cut between user-perceived characters, so no emoji (ZWJ sequences, flags, skin
  // tones) or surrogate pair is split.
  let cut = "";
  for (const { segment } of graphemes.segment(collapsed)) {
    if (cut.length + segment.length > TITLE_LENGTH - 1) break;
    cut += segment;
  }
  return `${cut}…`;
}

/** Folds events, in log order, into one patch per thread stream. */
export function foldThreadPatches(events: readonly RecordedEvent<ThreadEvent>[]): ThreadPatch[] {
  const patches = new Map<string, ThreadPatch>();
  for (const event of events) {
    const key = parseThreadStream(event.stream);
    if (!key) continue;
    const at = event.metadata.occurredAt;
    let patch = patches.get(event.stream);
    if (!patch) {
      patch = {
        stream: event.stream,
        chatId: key.chatId,
        topicId: key.topicId,
        userId: key.userId,
        chatType: null,
        title: null,
        modelId: null,
        messages: 0,
        contextMessages: 0,
        resets: 0,
        firstAt: at,
        lastAt: at,
        lastRevision: event.revision.toString(),
      };
      patches.set(event.stream, patch);
    }
    if (Date.parse(at) < Date.parse(patch.firstAt)) patch.firstAt = at;
    if (Date.parse(at) > Date.parse(patch.lastAt)) patch.lastAt = at;
    if (event.revision > BigInt(patch.lastRevision)) patch.lastRevision = event.revision.toString();
    switch (event.type) {
      case "MessageReceived":
        patch.chatType = event.data.chatType;
        patch.messages += 1;
        patch.contextMessages += 1;
        patch.title ??= titleOf(event.data.text);
        break;
      case "ModelSelected":
        patch.modelId = event.data.modelId;
        break;
      case "ContextReset":
        patch.resets += 1;
        patch.contextMessages = 0;
        patch.title = null;
        break;
      case "MessageEdited":
      case "GenerationStarted":
      case "ChunkStreamed":
      case "GenerationCompleted":
      case "GenerationCancelled":
      case "GenerationInterrupted":
      case "GenerationFailed":
      case "UsageCharged":
      case "AnswerDelivered":
        // Not handled by this version of the read model (see its `handles`).
        break;
      default: {
        const unhandled: never = event;
        throw new Error(`threads projection cannot fold ${(unhandled as { type: string }).type}`);
      }
    }
  }
  return [...patches.values()];
}
