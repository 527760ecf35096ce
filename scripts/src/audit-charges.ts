/**
 * pnpm audit-charges [--user <id>] [--thread <thread>] [--since <time>] [--until <time>] [--json|--csv] [--wait <seconds>]
 *
 * Lists every charge and credit straight from the event log with what priced it
 * (model or tool, quantities, price table, estimated flag, cache-write subsidy;
 * Stars, nominal and the k1/k2/k3 margins for credits), totals per user, per
 * model and per kind, then reconciles the balances read model with the log:
 * every user's balance must be the sum of their ledger (`ledgerEntryOf`, the
 * projection's own definition) over the whole log, compared at the read model's
 * checkpoint. Filters narrow the listing and the totals, never the reconciliation.
 *
 * Nothing is appended and no read model is written; the store is opened with the
 * platform's adapters, so (like any process) it runs the event log's schema
 * migrations if the log is older than the code. An embedded data directory held
 * by a running bot or projector is not opened (decision 0008), and an embedded
 * data directory without a database is not created.
 *
 * Exit codes: 0 every balance matches; 1 mismatches (each printed with the user,
 * the log sum, the read-model balance and the difference); 2 bad usage or
 * configuration; 3 could not audit (data directory in use, no store, no or
 * lagging read model, a corrupt event, a store failure).
 */
import type { AppConfig } from "@bot/config";
import { CorruptEventError, describePosition } from "@bot/eventstore";
import { AUDIT_USAGE, type AuditRequest, parseAuditArgs } from "./audit/audit-args.ts";
import type { AuditReport } from "./audit/audit-report.ts";
import { openAuditStores } from "./audit/open-audit-stores.ts";
import { type AuditRead, readAudit } from "./audit/read-audit.ts";
import { renderCsv } from "./audit/render-csv.ts";
import { renderJson } from "./audit/render-json.ts";
import { describeMismatch, reconciliationHeadline, renderText } from "./audit/render-text.ts";
import { type CliOutcome, cliFailure, cliMain } from "./cli-main.ts";

const failure = (code: 2 | 3, message: string): CliOutcome => cliFailure("audit-charges", code, message);

/** The report in the requested format; mismatches also reach stderr, so they show whatever stdout feeds. */
function render(report: AuditReport, request: AuditRequest): CliOutcome {
  const mismatches = report.reconciliation.mismatches;
  const code = mismatches.length === 0 ? 0 : 1;
  const details = [
    reconciliationHeadline(report),
    ...mismatches.map((m) => `  MISMATCH ${describeMismatch(m)}`),
  ]
    .map((line) => `audit-charges: ${line}\n`)
    .join("");
  switch (request.format) {
    case "text":
      return {
        code,
        stdout: renderText(report),
        ...(code === 0
          ? {}
          : {
              stderr: `audit-charges: ${mismatches.length} balance mismatch${mismatches.length === 1 ? "" : "es"}; see the reconciliation above\n`,
            }),
      };
    case "json":
      return { code, stdout: renderJson(report), ...(code === 0 ? {} : { stderr: details }) };
    case "csv":
      // The CSV holds the lines only; the reconciliation's outcome goes to stderr.
      return { code, stdout: renderCsv(report.lines), stderr: details };
    default: {
      const unknown: never = request.format;
      throw new Error(`audit-charges: unknown format ${String(unknown)}`);
    }
  }
}

function explain(read: Exclude<AuditRead, { kind: "report" }>): CliOutcome {
  switch (read.kind) {
    case "no_read_model":
      return failure(
        3,
        "the read-model database has no balances read model to reconcile with; start the projector " +
          "(or the bot) once so it builds it, then run audit-charges again",
      );
    case "behind": {
      const { checkpoint } = read;
      const failed =
        checkpoint.status === "failed"
          ? `; the projection FAILED: ${checkpoint.failure?.message ?? "no reason recorded"}`
          : "";
      return failure(
        3,
        `the balances read model is behind the log: its checkpoint is at ${describePosition(checkpoint.position)} ` +
          `(status ${checkpoint.status}${failed}), the log's last charge or credit at ${describePosition(read.logPosition)}; ` +
          `waited ${read.waitedSeconds} s. Comparing now would report false mismatches. Make sure the projector ` +
          "(or the bot running projections) is up, then retry, or give it longer with --wait <seconds>.",
      );
    }
    default: {
      const unknown: never = read;
      throw new Error(`audit-charges: unknown outcome ${(unknown as { kind: string }).kind}`);
    }
  }
}

async function audit(config: AppConfig, request: AuditRequest): Promise<CliOutcome> {
  const opened = await openAuditStores(config);
  if (opened.kind === "busy") return failure(3, opened.detail);
  if (opened.kind === "absent") return failure(3, `nothing to audit: ${opened.detail}`);
  let read: AuditRead;
  try {
    read = await readAudit(opened.infrastructure, request);
  } catch (error) {
    if (!(error instanceof CorruptEventError)) throw error;
    return failure(
      3,
      `corrupt event in ${error.stream} at revision ${error.revision} (${error.eventType}): ${error.problem}. ` +
        "Stored events are never edited: add an upcaster for the stored shape (docs/operations.md).",
    );
  } finally {
    // Closed before anything is printed or the process exits: PGlite must shut down cleanly.
    await opened.infrastructure.close();
  }
  return read.kind === "report" ? render(read.report, request) : explain(read);
}

await cliMain({
  name: "audit-charges",
  usage: AUDIT_USAGE,
  args: parseAuditArgs(process.argv.slice(2)),
  failedCode: 3,
  run: audit,
});
