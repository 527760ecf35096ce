import type { MessagePlan } from "./message-plan.ts";
import type { JsonObject } from "./wire.ts";

/** One server-sent event; `token` frames are paced and counted for pings. */
export interface SseFrame {
  event: string;
  data: JsonObject;
  token: boolean;
}

/** Every block of the plan: `content_block_start`, its deltas, `content_block_stop`. */
function blockFrames(plan: MessagePlan): SseFrame[] {
  return plan.blocks.flatMap((block, index) => [
    {
      event: "content_block_start",
      data: { type: "content_block_start", index, content_block: block.start },
      token: false,
    },
    ...block.deltas.map(({ delta, token }) => ({
      event: "content_block_delta",
      data: { type: "content_block_delta", index, delta },
      token,
    })),
    { event: "content_block_stop", data: { type: "content_block_stop", index }, token: false },
  ]);
}

function messageStart(plan: MessagePlan): SseFrame {
  return {
    event: "message_start",
    data: { type: "message_start", message: plan.startMessage },
    token: false,
  };
}

/** The whole answer as the API streams it, `message_start` to `message_stop`. */
export function messageFrames(plan: MessagePlan): SseFrame[] {
  return [
    messageStart(plan),
    ...blockFrames(plan),
    { event: "message_delta", data: plan.messageDelta, token: false },
    { event: "message_stop", data: { type: "message_stop" }, token: false },
  ];
}

/** The start of an answer cut off by an `error` event (e.g. overloaded mid-stream). */
export function interruptedFrames(plan: MessagePlan, errorType: string, message: string): SseFrame[] {
  return [
    messageStart(plan),
    ...blockFrames(plan),
    { event: "error", data: { type: "error", error: { type: errorType, message } }, token: false },
  ];
}

/** The keep-alive event the API interleaves; the SDK skips it. */
export const PING_FRAME: SseFrame = { event: "ping", data: { type: "ping" }, token: false };

/** Wire form: the SDK drops messages without an `event:` line, so every frame has one. */
export function encodeFrame(frame: SseFrame): string {
  return `event: ${frame.event}\ndata: ${JSON.stringify(frame.data)}\n\n`;
}
