/**
 * pnpm replay-thread <thread> [--at <revision>] [--json] [--full]
 *
 * Replays one conversation thread from the event log: a timeline with one line
 * per event (runs of streamed chunks as one line), then the state the thread
 * model (`foldThread` of @bot/domain) reconstructs from it — at the end, or after
 * `--at <revision>`. `--json` prints one JSON document instead.
 *
 * Read-only: no projection runs, nothing is appended, no provider or Telegram is
 * called, no schema is created. An embedded data directory held by a running
 * process is not opened (PGlite files belong to one process; decision 0008).
 *
 * Exit codes: 0 replayed; 1 no events, a corrupt event, the data directory in
 * use, or the store failed; 2 bad usage or configuration.
 */
import type { AppConfig } from "@bot/config";
import { CorruptEventError } from "@bot/eventstore";
import { type CliOutcome, cliFailure, cliMain } from "./cli-main.ts";
import { openEventSource } from "./replay/open-event-source.ts";
import { parseReplayArgs, REPLAY_USAGE, type ReplayRequest } from "./replay/replay-args.ts";
import { replayToJson } from "./replay/replay-json.ts";
import { formatState } from "./replay/state-summary.ts";
import { loadThreadReplay, type ThreadReplay } from "./replay/thread-replay.ts";
import { formatTimeline } from "./replay/timeline.ts";

const failure = (code: 1 | 2, message: string): CliOutcome => cliFailure("replay-thread", code, message);

function render(replay: ThreadReplay, request: ReplayRequest): string {
  if (request.json) return `${replayToJson(replay)}\n`;
  const { key } = replay;
  const shown = replay.events.length;
  const where = `chat ${key.chatId}, ${key.topicId === null ? "no topic" : `topic ${key.topicId}`}, user ${key.userId}`;
  const range = `revisions 0-${replay.lastRevision}${replay.at === null ? "" : `, replayed up to ${replay.at}`}`;
  return [
    `${replay.stream}: ${where}; ${range} (${shown} event${shown === 1 ? "" : "s"})`,
    ...formatTimeline(replay.events, request.full),
    "",
    ...formatState(replay, request.full),
    "",
  ].join("\n");
}

async function replay(config: AppConfig, request: ReplayRequest): Promise<CliOutcome> {
  const opened = await openEventSource(config);
  if (opened.kind === "busy") return failure(1, opened.detail);
  if (opened.kind === "absent") return failure(1, `no events in ${request.stream} (${opened.detail})`);
  let result: ThreadReplay | null;
  try {
    result = await loadThreadReplay(opened.source, request.stream, { at: request.at });
  } catch (error) {
    if (!(error instanceof CorruptEventError)) throw error;
    return failure(
      1,
      `corrupt event in ${error.stream} at revision ${error.revision} (${error.eventType}): ${error.problem}. ` +
        "Stored events are never edited: add an upcaster for the stored shape (docs/operations.md).",
    );
  } finally {
    // Closed before anything is printed or the process exits: PGlite must shut down cleanly.
    await opened.close();
  }
  if (!result) return failure(1, `no events in ${request.stream}`);
  return { code: 0, stdout: render(result, request) };
}

await cliMain({
  name: "replay-thread",
  usage: REPLAY_USAGE,
  args: parseReplayArgs(process.argv.slice(2)),
  failedCode: 1,
  run: replay,
});
