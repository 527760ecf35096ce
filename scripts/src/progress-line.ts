import { formatProgress, type ProgressEstimate } from "@bot/projection-runner";

/**
 * Shows progress on one rewritten line on a TTY, or as a plain line every few
 * seconds when output goes to a file or CI log.
 */
export function createProgressLine(stream: NodeJS.WriteStream = process.stderr, everyMs = 2000) {
  const tty = stream.isTTY === true;
  let last = 0;
  let shown = false;
  return {
    update(label: string, estimate: ProgressEstimate, position: string) {
      const text = `${label}: ${formatProgress(estimate, position)}`;
      if (tty) {
        stream.write(`\r\x1b[2K${text}`);
        shown = true;
      } else if (Date.now() - last >= everyMs) {
        last = Date.now();
        stream.write(`${text}\n`);
      }
    },
    done() {
      if (tty && shown) stream.write("\n");
    },
  };
}
