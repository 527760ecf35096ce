import { quote } from "./text.ts";
import type { ThreadReplay } from "./thread-replay.ts";
import { usd } from "./timeline.ts";

/**
 * The reconstructed state as lines: where the replay stopped, the model
 * override, counts and cost, the open generation, pending and undelivered
 * answers, and the context's turns with roles and text.
 */
export function formatState(replay: ThreadReplay, full: boolean): string[] {
  const { state } = replay;
  const shown = replay.events[replay.events.length - 1]?.revision ?? -1n;
  const after = replay.lastRevision - shown;
  const lines = [
    `state after revision ${shown}${after > 0n ? ` (--at ${replay.at}; ${after} later event${after === 1n ? "" : "s"} not applied)` : " (end of stream)"}:`,
    `  chat type: ${state.chatType ?? "unknown"}; model override: ${state.modelOverride ?? "none (the user's default applies)"}`,
    `  messages received: ${state.messageCount}; generations: ${state.generationCount}; user cost: ${usd(state.userCost)} (${state.userCost} nano-USD)`,
  ];
  const open = state.generation;
  lines.push(
    open
      ? `  open generation: ${open.generationId} model ${open.modelId}, ${open.chunks} chunk${open.chunks === 1 ? "" : "s"} since ${open.startedAt}: ${quote(open.text, full)}`
      : "  open generation: none",
  );
  lines.push(
    `  pending messages (not yet answered): ${state.pending.length > 0 ? state.pending.join(", ") : "none"}`,
  );
  if (state.undelivered.length === 0) lines.push("  undelivered answers: none");
  else {
    lines.push(`  undelivered answers: ${state.undelivered.length}`);
    for (const answer of state.undelivered) {
      lines.push(`    ${answer.generationId} ${answer.outcome}: ${quote(answer.text, full)}`);
    }
  }
  lines.push(`  context: ${state.turns.length} turn${state.turns.length === 1 ? "" : "s"}`);
  for (const turn of state.turns) {
    lines.push(
      turn.kind === "user"
        ? `    user msg ${turn.messageId} ${turn.senderLabel}${turn.edited ? " [edited]" : ""}: ${quote(turn.text, full)}`
        : `    assistant gen ${turn.generationId}${turn.interrupted ? " [interrupted]" : ""}: ${quote(turn.text, full)}`,
    );
  }
  return lines;
}
