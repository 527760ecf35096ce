import type { ServerResponse } from "node:http";
import type { FailurePlan } from "./failure-plan.ts";
import type { OpenAITranscriptionScript, RecordedOpenAIRequest } from "./types.ts";
import type { UploadForm } from "./upload-form.ts";

/** A recorded request whose fields the server fills in as it goes. */
export type LiveOpenAIRequest = { -readonly [K in keyof RecordedOpenAIRequest]: RecordedOpenAIRequest[K] };

/** One request being answered. */
export interface OpenAIExchange {
  res: ServerResponse;
  record: LiveOpenAIRequest;
  /** The multipart body, parsed once on arrival. */
  upload: UploadForm;
  /** Aborts when the client goes away or the server closes: stop waiting. */
  signal: AbortSignal;
}

/** Server-wide state the endpoint reads. */
export interface OpenAIState {
  transcripts: OpenAITranscriptionScript[];
  failures: FailurePlan;
  maxFileBytes: number;
}
