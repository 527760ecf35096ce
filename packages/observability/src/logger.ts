import { hostname } from "node:os";
import {
  type Bindings,
  type ChildLoggerOptions,
  type DestinationStream,
  type Logger,
  type LoggerOptions as PinoOptions,
  pino,
} from "pino";
import { createPrettyDestination } from "./pretty-destination.ts";
import { REDACT_PATHS, REDACTED } from "./redaction.ts";
import { sanitizeLogObject, sanitizeLogValue } from "./sanitize-log-value.ts";

/** Options of {@link createLogger}. */
export interface CreateLoggerOptions {
  /** pino level name: fatal, error, warn, info, debug, trace or silent. */
  readonly level: string;
  /** Human-readable lines instead of JSON (development consoles). Default false. */
  readonly pretty?: boolean;
  /** Logged as `name` on every line, e.g. the service name. */
  readonly name?: string;
  /** Where lines go; defaults to stdout. With `pretty`, formatted lines go here. */
  readonly destination?: DestinationStream;
  /** Extra fields on every line, added to `pid` and `hostname`. */
  readonly base?: Record<string, unknown>;
}

/**
 * Creates the process logger: one JSON object per line with an ISO `time`, the
 * `level` as a label (`"info"`, not 30), bigints as strings, errors with their
 * whole `cause` chain under `err`, and secrets censored as `"[redacted]"` by key
 * name at any depth (see `isSensitiveKey`) and by pino redact paths.
 *
 * @throws if `level` is not a pino level.
 */
export function createLogger(options: CreateLoggerOptions): Logger {
  const pinoOptions: PinoOptions = {
    level: options.level,
    ...(options.name === undefined ? {} : { name: options.name }),
    base: { pid: process.pid, hostname: hostname(), ...options.base },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: {
      level: (label) => ({ level: label }),
      // Root bindings (base); child bindings are handled by sanitizeChildBindings.
      bindings: (bindings) => sanitizeLogObject(bindings),
      log: (object) => sanitizeLogObject(object),
    },
    // formatters.log has already turned errors into plain objects; this keeps pino's
    // default err serializer (which flattens causes into one message) out of the way.
    serializers: { err: sanitizeLogValue },
    redact: { paths: [...REDACT_PATHS], censor: REDACTED },
  };

  return sanitizeChildBindings(pino(pinoOptions, destinationFor(options)));
}

function destinationFor(options: CreateLoggerOptions): DestinationStream | undefined {
  if (options.pretty === true) return createPrettyDestination(options.destination ?? process.stdout);
  return options.destination;
}

/**
 * pino applies `formatters.bindings` to the root logger only and resets it for
 * children, so child bindings (`logger.child({ position: 12n })`) would escape the
 * sanitiser. Children inherit from the root via the prototype chain, so wrapping
 * `child` once on the root covers every descendant.
 */
function sanitizeChildBindings(logger: Logger): Logger {
  const pinoChild = logger.child;
  logger.child = function child<L extends string = never>(
    this: Logger,
    bindings: Bindings,
    childOptions?: ChildLoggerOptions<L>,
  ): Logger<L> {
    return pinoChild.call<Logger, [Bindings, ChildLoggerOptions<L>?], Logger<L>>(
      this,
      sanitizeLogObject(bindings),
      childOptions,
    );
  };
  return logger;
}
