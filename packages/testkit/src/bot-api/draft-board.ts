import type { MessageEntity } from "@grammyjs/types";
import type { DraftState } from "./types.ts";

/** Telegram shows a draft for about 30 s after its last update. */
export const DRAFT_LIFETIME_MS = 30_000;

interface DraftRecord {
  draftId: number;
  topicId: number | undefined;
  text: string;
  entities: MessageEntity[] | undefined;
  updates: number;
  canStop: boolean;
  keepOnStop: boolean;
  stopped: boolean;
  replacedByMessage: boolean;
  lastUpdateAt: number;
}

/** What one accepted `sendMessageDraft` call says. */
export interface DraftUpdate {
  chatId: number;
  topicId: number | undefined;
  draftId: number;
  text: string;
  entities: MessageEntity[] | undefined;
  canStop: boolean;
  keepOnStop: boolean;
}

/** The streamed drafts of each private chat, keyed by topic and draft_id. */
export class DraftBoard {
  private readonly chats = new Map<number, Map<string, DraftRecord>>();

  constructor(private readonly now: () => number = Date.now) {}

  update(draft: DraftUpdate): void {
    const drafts = this.draftsOf(draft.chatId);
    const key = keyOf(draft.topicId, draft.draftId);
    const previous = drafts.get(key);
    drafts.set(key, {
      draftId: draft.draftId,
      topicId: draft.topicId,
      text: draft.text,
      entities: draft.entities,
      updates: (previous?.updates ?? 0) + 1,
      canStop: draft.canStop,
      keepOnStop: draft.keepOnStop,
      // Updating a stopped or replaced draft shows it again, as a fresh preview would.
      stopped: false,
      replacedByMessage: false,
      lastUpdateAt: this.now(),
    });
  }

  /** The user pressed the stop button of this draft. */
  stop(chatId: number, topicId: number | undefined, draftId: number): void {
    const draft = this.chats.get(chatId)?.get(keyOf(topicId, draftId));
    if (draft !== undefined) draft.stopped = true;
  }

  /** A real message arrived in this chat and topic: its drafts disappear. */
  messageSent(chatId: number, topicId: number | undefined): void {
    for (const draft of this.chats.get(chatId)?.values() ?? []) {
      if (draft.topicId === topicId) draft.replacedByMessage = true;
    }
  }

  list(chatId: number): DraftState[] {
    const now = this.now();
    return [...(this.chats.get(chatId)?.values() ?? [])].map((draft) => ({
      draft_id: draft.draftId,
      ...(draft.topicId === undefined ? {} : { topicId: draft.topicId }),
      text: draft.text,
      ...(draft.entities === undefined ? {} : { entities: draft.entities }),
      updates: draft.updates,
      can_stop: draft.canStop,
      keep_on_stop: draft.keepOnStop,
      stopped: draft.stopped,
      visible:
        !draft.replacedByMessage &&
        !(draft.stopped && !draft.keepOnStop) &&
        now - draft.lastUpdateAt < DRAFT_LIFETIME_MS,
    }));
  }

  private draftsOf(chatId: number): Map<string, DraftRecord> {
    let drafts = this.chats.get(chatId);
    if (drafts === undefined) {
      drafts = new Map();
      this.chats.set(chatId, drafts);
    }
    return drafts;
  }
}

function keyOf(topicId: number | undefined, draftId: number): string {
  return `${topicId ?? 0}:${draftId}`;
}
