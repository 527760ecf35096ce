import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/** Options of {@link createMetrics}. */
export interface CreateMetricsOptions {
  /** Prepended to every metric name created through the helpers. Default `"bot_"`. */
  readonly prefix?: string;
  /** Register Node process metrics (CPU, memory, event loop lag...). Default true. */
  readonly defaultMetrics?: boolean;
  /** Labels added to every series of this registry, e.g. `{ service: "projector" }`. */
  readonly labels?: Record<string, string>;
}

/** What every metric needs. */
export interface MetricOptions<L extends string> {
  /** Name without the registry prefix, e.g. `"updates_total"`. */
  readonly name: string;
  readonly help: string;
  readonly labelNames?: readonly L[];
}

/** A gauge may compute its value when scraped. */
export interface GaugeOptions<L extends string> extends MetricOptions<L> {
  /** Called on every scrape to refresh the value, e.g. to read a queue length. */
  readonly collect?: (this: Gauge<L>) => void | Promise<void>;
}

/** A histogram may choose its buckets. */
export interface HistogramOptions<L extends string> extends MetricOptions<L> {
  /** Upper bounds, in the metric's unit (seconds for durations). Default prom-client's. */
  readonly buckets?: readonly number[];
}

/**
 * Metric helpers bound to one private registry. Asking twice for the same name
 * returns the same instance, so components can declare the metrics they use
 * without coordinating; asking for it with another type or other labels throws
 * {@link MetricConflictError}.
 */
export interface Metrics {
  /** The registry to expose, e.g. via the ops server's /metrics. */
  readonly registry: Registry;
  /** The prefix applied to names given to the helpers. */
  readonly prefix: string;
  counter<L extends string = string>(options: MetricOptions<L>): Counter<L>;
  gauge<L extends string = string>(options: GaugeOptions<L>): Gauge<L>;
  histogram<L extends string = string>(options: HistogramOptions<L>): Histogram<L>;
}

/** Two components declared the same metric name with a different type or label set. */
export class MetricConflictError extends Error {
  override readonly name = "MetricConflictError";
}

type MetricKind = "counter" | "gauge" | "histogram";
type AnyMetric = Counter<string> | Gauge<string> | Histogram<string>;
interface RegisteredMetric {
  readonly kind: MetricKind;
  readonly labelNames: readonly string[];
  readonly metric: AnyMetric;
}

/**
 * Creates a fresh registry with helper factories. prom-client's global default
 * registry is never used, so tests and several components in one process cannot
 * collide on metric names.
 */
export function createMetrics(options: CreateMetricsOptions = {}): Metrics {
  const prefix = options.prefix ?? "bot_";
  const registry = new Registry();
  if (options.labels !== undefined) registry.setDefaultLabels(options.labels);
  // Process metrics keep their standard unprefixed names so stock Node dashboards work.
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry });

  const registered = new Map<string, RegisteredMetric>();

  function getOrCreate<M extends AnyMetric>(
    kind: MetricKind,
    options: MetricOptions<string>,
    create: (name: string, labelNames: string[]) => M,
  ): M {
    const name = `${prefix}${options.name}`;
    const labelNames = [...(options.labelNames ?? [])];
    const existing = registered.get(name);
    if (existing !== undefined) {
      assertCompatible(name, existing, kind, labelNames);
      // Same name, kind and labels were checked above, so this is the instance the caller expects.
      return existing.metric as M;
    }
    const metric = create(name, labelNames);
    registered.set(name, { kind, labelNames, metric });
    return metric;
  }

  return {
    registry,
    prefix,
    counter: <L extends string>(options: MetricOptions<L>) =>
      getOrCreate(
        "counter",
        options,
        (name, labelNames) => new Counter({ name, help: options.help, labelNames, registers: [registry] }),
      ) as Counter<L>,
    gauge: <L extends string>(options: GaugeOptions<L>) =>
      getOrCreate("gauge", options, (name, labelNames) => {
        const collect = options.collect as GaugeOptions<string>["collect"];
        return new Gauge({
          name,
          help: options.help,
          labelNames,
          registers: [registry],
          ...(collect === undefined ? {} : { collect }),
        });
      }) as Gauge<L>,
    histogram: <L extends string>(options: HistogramOptions<L>) =>
      getOrCreate(
        "histogram",
        options,
        (name, labelNames) =>
          new Histogram({
            name,
            help: options.help,
            labelNames,
            registers: [registry],
            ...(options.buckets === undefined ? {} : { buckets: [...options.buckets] }),
          }),
      ) as Histogram<L>,
  };
}

function assertCompatible(
  name: string,
  existing: RegisteredMetric,
  kind: MetricKind,
  labelNames: readonly string[],
): void {
  if (existing.kind !== kind) {
    throw new MetricConflictError(
      `Metric ${name} is already registered as a ${existing.kind}; it cannot also be a ${kind}`,
    );
  }
  const sameLabels =
    existing.labelNames.length === labelNames.length &&
    existing.labelNames.every((label) => labelNames.includes(label));
  if (!sameLabels) {
    throw new MetricConflictError(
      `Metric ${name} is already registered with labels [${existing.labelNames.join(", ")}]; ` +
        `it cannot be re-declared with labels [${labelNames.join(", ")}]`,
    );
  }
}
