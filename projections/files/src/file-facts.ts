import { type DomainEvent, parseThreadStream } from "@bot/domain";
import type { RecordedEvent } from "@bot/eventstore";

/** The event types the files projection reads. */
export const FILE_EVENT_TYPES = [
  "FileReceived",
  "FileDelivered",
  "FileUploaded",
  "ProviderFileDeleted",
] as const satisfies readonly DomainEvent["type"][];

/** An event the files projection reads. */
export type FileEvent = Extract<DomainEvent, { type: (typeof FILE_EVENT_TYPES)[number] }>;

type Received = Extract<FileEvent, { type: "FileReceived" }>["data"];

/**
 * A `files` row to insert (revisions as decimal strings: JSON has no bigint). The
 * event's data plus where it happened: the thread's key and the event's revision.
 */
export interface ReceivedFact extends Received {
  readonly stream: string;
  readonly chatId: number;
  readonly topicId: number | null;
  readonly userId: number;
  readonly revision: string;
  readonly at: string;
}

/** A tool output sent to the chat. */
export interface DeliveryFact {
  readonly fileId: string;
  readonly stream: string;
  readonly telegramMessageId: number;
  readonly telegramFileId: string;
  readonly sentAs: "photo" | "document";
  readonly caption: string | null;
  readonly revision: string;
  readonly at: string;
}

/** A provider-side copy of a file. */
export interface UploadFact {
  readonly provider: string;
  readonly providerFileId: string;
  readonly fileId: string;
  readonly stream: string;
  readonly userId: number;
  readonly expiresAt: string | null;
  readonly at: string;
}

/** A provider-side copy that is gone. */
export interface DeletionFact {
  readonly provider: string;
  readonly providerFileId: string;
  readonly reason: "expired" | "retention" | "missing";
  readonly at: string;
}

/** Everything one batch of events changes in the files read model. */
export interface FileFacts {
  readonly received: ReceivedFact[];
  readonly deliveries: DeliveryFact[];
  readonly uploads: UploadFact[];
  readonly deletions: DeletionFact[];
}

/** Keeps the first fact of a key: the domain records each of these once, so a later one is a duplicate. */
function keepFirst<T>(facts: Map<string, T>, key: string, fact: T): void {
  if (!facts.has(key)) facts.set(key, fact);
}

/**
 * Folds a batch of events into row changes. Every fact is keyed (file id, or provider
 * and provider file id) and the first one wins, as in the thread's own state: applying
 * an event twice, or the streams of a batch interleaved differently, leaves the same rows.
 * Events of streams that are not threads are skipped, as the threads projection does.
 */
export function foldFileFacts(events: readonly RecordedEvent<FileEvent>[]): FileFacts {
  const received = new Map<string, ReceivedFact>();
  const deliveries = new Map<string, DeliveryFact>();
  const uploads = new Map<string, UploadFact>();
  const deletions = new Map<string, DeletionFact>();
  for (const event of events) {
    const key = parseThreadStream(event.stream);
    if (!key) continue;
    const { stream } = event;
    const at = event.metadata.occurredAt;
    const revision = event.revision.toString();
    switch (event.type) {
      case "FileReceived":
        keepFirst(received, event.data.fileId, {
          ...event.data,
          stream,
          chatId: key.chatId,
          topicId: key.topicId,
          userId: key.userId,
          revision,
          at,
        });
        break;
      case "FileDelivered":
        keepFirst(deliveries, event.data.fileId, { ...event.data, stream, revision, at });
        break;
      case "FileUploaded": {
        const { fileId, provider, providerFileId, expiresAt } = event.data;
        keepFirst(uploads, `${provider}\n${providerFileId}`, {
          provider,
          providerFileId,
          fileId,
          stream,
          userId: key.userId,
          expiresAt,
          at,
        });
        break;
      }
      case "ProviderFileDeleted": {
        const { provider, providerFileId, reason } = event.data;
        keepFirst(deletions, `${provider}\n${providerFileId}`, { provider, providerFileId, reason, at });
        break;
      }
      default: {
        const unhandled: never = event;
        throw new Error(`files projection cannot fold ${(unhandled as { type: string }).type}`);
      }
    }
  }
  return {
    received: [...received.values()],
    deliveries: [...deliveries.values()],
    uploads: [...uploads.values()],
    deletions: [...deletions.values()],
  };
}
