// The PGlite worker thread of `createPgliteClient({ inWorker: true })`.
//
// Plain JavaScript on purpose: a worker does not inherit the TypeScript loader of
// the process that starts it (vitest, tsx), so this file must run as it is.
// The protocol is private to pglite-worker-client.ts:
//   in:  { id, op: "query", text, params, tx? } | { id, op: "exec", script, tx? }
//        { id, op: "begin" } | { id, op: "end", tx, commit } | { id, op: "listen", channel }
//        { id, op: "unlisten", listener } | { id, op: "close" }
//   out: { id, ok: true, value } | { id, ok: false, error } | { notify: listener }
import { parentPort, workerData } from "node:worker_threads";
import { PGlite } from "@electric-sql/pglite";

const port = parentPort;
if (!port) throw new Error("pglite-worker.mjs must run as a worker thread");

/** Thrown into a transaction body to make PGlite roll it back; never leaves this file. */
const ROLLBACK = Symbol("rollback");

/** The fields of a PGlite DatabaseError that callers inspect, plus message and stack. */
function serialiseError(error) {
  if (!(error instanceof Error)) return { name: "Error", message: String(error) };
  const out = { name: error.name, message: error.message, stack: error.stack };
  for (const [key, value] of Object.entries(error)) {
    if (value === null || ["string", "number", "boolean"].includes(typeof value)) out[key] = value;
  }
  return out;
}

const db = new PGlite(workerData.dataDir ?? undefined);
/** Open transactions by id: the PGlite transaction, how to end it, and how it settled. */
const transactions = new Map();
/** Active LISTENs by id: their unlisten functions. */
const listeners = new Map();
let nextId = 1;

async function handle(message) {
  switch (message.op) {
    case "query": {
      const target = message.tx === undefined ? db : transactions.get(message.tx)?.tx;
      if (!target) throw new Error(`transaction ${message.tx} is not open`);
      const result = await target.query(message.text, message.params);
      return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
    }
    case "exec": {
      const target = message.tx === undefined ? db : transactions.get(message.tx)?.tx;
      if (!target) throw new Error(`transaction ${message.tx} is not open`);
      await target.exec(message.script);
      return null;
    }
    case "begin": {
      const id = nextId++;
      // Resolves once PGlite has taken its transaction mutex and run BEGIN.
      return await new Promise((started, failed) => {
        const open = { tx: null, commit: null, rollback: null, settled: null };
        open.settled = db
          .transaction(
            (tx) =>
              new Promise((commit, rollback) => {
                Object.assign(open, { tx, commit, rollback });
                transactions.set(id, open);
                started(id);
              }),
          )
          .then(
            () => undefined,
            (error) => {
              if (error !== ROLLBACK) throw error;
            },
          )
          .finally(() => transactions.delete(id));
        // Before BEGIN this fails the "begin"; afterwards "end" reports the error.
        open.settled.catch(failed);
      });
    }
    case "end": {
      const open = transactions.get(message.tx);
      if (!open) throw new Error(`transaction ${message.tx} is not open`);
      if (message.commit) open.commit();
      else open.rollback(ROLLBACK);
      await open.settled;
      return null;
    }
    case "listen": {
      const id = nextId++;
      const unlisten = await db.listen(message.channel, () => port.postMessage({ notify: id }));
      listeners.set(id, unlisten);
      return id;
    }
    case "unlisten": {
      const unlisten = listeners.get(message.listener);
      listeners.delete(message.listener);
      if (unlisten && !db.closed) await unlisten();
      return null;
    }
    case "close": {
      if (!db.closed) await db.close();
      return null;
    }
    default:
      throw new Error(`unknown operation ${String(message.op)}`);
  }
}

try {
  await db.waitReady;
  port.postMessage({ ready: true });
} catch (error) {
  port.postMessage({ ready: false, error: serialiseError(error) });
}

port.on("message", (message) => {
  handle(message).then(
    (value) => port.postMessage({ id: message.id, ok: true, value }),
    (error) => port.postMessage({ id: message.id, ok: false, error: serialiseError(error) }),
  );
});
