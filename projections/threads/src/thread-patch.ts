import { parseThreadStream, type ThreadEvent } from "@bot/domain";
import type { RecordedEvent } from "@bot/eventstore";

/** Longest title kept, in UTF-16 code units (cut at a whole code point). */
export const TITLE_LENGTH = 80;

/**
 * The change a run of consecutive events makes to one `threads` row. Applying the
 * patch of a run equals applying its events one by one; that is what lets the
 * projection write all the threads of a batch with one statement. (The open
 * generation and undelivered count are derived from `messages`, not patched.)
 */
export interface ThreadPatch {
  stream: string;
  chatId: number;
  topicId: number | null;
  userId: number;
  chatType: string | null;
  /** With `resets > 0`: the new title (null: none yet). Otherwise a title for a row that has none. */
  title: string | null;
  /** True when the run selected a model or removed the override: then `modelId` replaces the row's. */
  modelSet: boolean;
  modelId: string | null;
  messages: number;
  /** With `resets > 0`: messages since the last reset. Otherwise messages to add. */
  contextMessages: number;
  resets: number;
  /** Generations started in the run. */
  generations: number;
  /** Sum of UsageCharged.userAmount in the run, integer nano-USD as a decimal string (exact in JSON). */
  cost: string;
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
        modelSet: false,
        modelId: null,
        messages: 0,
        contextMessages: 0,
        resets: 0,
        generations: 0,
        cost: "0",
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
        // null removes the override: it must replace the row's value, not be ignored.
        patch.modelSet = true;
        patch.modelId = event.data.modelId;
        break;
      case "ContextReset":
        patch.resets += 1;
        patch.contextMessages = 0;
        patch.title = null;
        break;
      case "GenerationStarted":
        patch.generations += 1;
        break;
      case "UsageCharged":
      case "ToolCharged":
        patch.cost = (BigInt(patch.cost) + BigInt(event.data.userAmount)).toString();
        break;
      case "MessageEdited":
      case "ChunkStreamed":
      case "GenerationCompleted":
      case "GenerationCancelled":
      case "GenerationInterrupted":
      case "GenerationFailed":
      case "GenerationRefused":
      case "ToolCalled":
      case "ToolCompleted":
      case "FileReceived":
      case "FileDelivered":
      case "FileTranscribed":
      case "FileUploaded":
      case "ProviderFileDeleted":
      case "ToolSessionOpened":
      case "ToolSessionClosed":
      case "AnswerMessageSent":
      case "AnswerDelivered":
        // Only the activity time and revision: their effect is on `messages`, and the
        // open generation and undelivered count are derived from those rows.
        break;
      default: {
        const unhandled: never = event;
        throw new Error(`threads projection cannot fold ${(unhandled as { type: string }).type}`);
      }
    }
  }
  return [...patches.values()];
}
