/**
 * Conversation history (as the thread stores it) → alternating API messages.
 */
import type { ContentPart, LlmMessage } from "../provider.ts";

/** One stored turn of a thread, in chronological order. */
export interface ConversationTurn {
  readonly role: "user" | "assistant";
  readonly text: string;
  /** The answer was cut (stop, crash); the model is told so it does not take it as complete. */
  readonly interrupted?: boolean;
  /** Who wrote it, in group chats, so the model can tell members apart. */
  readonly senderLabel?: string;
  /** Images, documents and file texts the user sent with it, placed before the text. */
  readonly attachments?: readonly ContentPart[];
}

/** Appended to an interrupted assistant turn. */
export const INTERRUPTED_NOTE = "[interrupted]";
/** Stands in for a turn without text (the API rejects empty text blocks). */
export const EMPTY_TURN_TEXT = "[empty message]";

/** An API message plus how many stored turns it holds. */
export interface MergedMessage {
  readonly message: LlmMessage;
  readonly turnCount: number;
}

/** The text one turn contributes. */
export function turnText(turn: ConversationTurn): string {
  const body = turn.text === "" && !turn.interrupted ? EMPTY_TURN_TEXT : turn.text;
  const labelled = turn.senderLabel === undefined ? body : `**${turn.senderLabel}**:\n${body}`;
  if (!turn.interrupted) return labelled;
  return labelled === "" ? INTERRUPTED_NOTE : `${labelled}\n\n${INTERRUPTED_NOTE}`;
}

/**
 * Merges consecutive same-role turns (the API needs user/assistant alternation) into one
 * message with ONE text block, turns joined by a blank line. One block per message keeps
 * every message's block count at 1, so the API's 20-block cache lookback always reaches
 * the previous breakpoint, even after a burst of group messages.
 */
export function toAlternatingMessages(turns: readonly ConversationTurn[]): MergedMessage[] {
  const merged: { role: "user" | "assistant"; texts: string[]; attachments: ContentPart[]; turns: number }[] =
    [];
  for (const turn of turns) {
    const last = merged.at(-1);
    const attachments = turn.attachments ?? [];
    // A file sent without a caption is its own message: no "[empty message]" stand-in.
    const texts = turn.text === "" && attachments.length > 0 && !turn.interrupted ? [] : [turnText(turn)];
    if (last !== undefined && last.role === turn.role) {
      last.texts.push(...texts);
      last.attachments.push(...attachments);
      last.turns += 1;
    } else merged.push({ role: turn.role, texts, attachments: [...attachments], turns: 1 });
  }
  // Attachments first: the model reads an image or document before the question about it.
  return merged.map(({ role, texts, attachments, turns }) => ({
    message: {
      role,
      content: [
        ...attachments,
        ...(texts.length > 0 ? [{ type: "text" as const, text: texts.join("\n\n") }] : []),
      ],
    },
    turnCount: turns,
  }));
}
