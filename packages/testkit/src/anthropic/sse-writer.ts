import type { ServerResponse } from "node:http";
import { performance } from "node:perf_hooks";
import { sleep, writeChunk } from "../shared/http-io.ts";
import { encodeFrame, PING_FRAME, type SseFrame } from "./sse-frames.ts";

/** How fast token deltas go out. */
export interface Pacing {
  /** Gap between token deltas; 0 sends as fast as possible. */
  intervalMs: number;
  /** A `ping` after every N token deltas; undefined or 0 for none. */
  pingEvery?: number | undefined;
}

/** Sends the SSE response headers the API uses, with the caller's extra headers already set on `res`. */
export function startEventStream(res: ServerResponse): void {
  res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" });
  // Headers out now: the SDK's timeout covers only the wait for them, and clients see the stream open.
  res.flushHeaders();
}

/**
 * Writes frames in order, spacing token deltas `intervalMs` apart on a fixed schedule (so timer
 * lateness does not add up). Returns false if `signal` aborted before every frame was written.
 */
export async function writeFrames(
  res: ServerResponse,
  frames: readonly SseFrame[],
  pacing: Pacing,
  signal: AbortSignal,
  onFirstToken?: () => void,
): Promise<boolean> {
  let tokens = 0;
  let firstTokenAt = 0;
  for (const frame of frames) {
    if (frame.token) {
      if (tokens === 0) firstTokenAt = performance.now();
      else await sleep(firstTokenAt + tokens * pacing.intervalMs - performance.now(), signal);
    }
    if (signal.aborted) return false;
    await writeChunk(res, encodeFrame(frame), signal);
    if (!frame.token) continue;
    if (tokens === 0) onFirstToken?.();
    tokens += 1;
    if (pacing.pingEvery && tokens % pacing.pingEvery === 0) {
      await writeChunk(res, encodeFrame(PING_FRAME), signal);
    }
  }
  return !signal.aborted;
}
