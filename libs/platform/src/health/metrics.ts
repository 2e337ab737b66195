import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * The process's Prometheus registry: GET /metrics serves it; features add their own
 * counters and histograms with `registers: [metricsRegistry]`.
 */
export const metricsRegistry = new Registry();
const withDefaults = new WeakSet<Registry>();

/** Process metrics (CPU, memory, event-loop lag, GC) once per registry; a second call would throw on duplicates. */
export function collectProcessMetrics(registry: Registry = metricsRegistry): void {
  if (withDefaults.has(registry)) return;
  withDefaults.add(registry);
  collectDefaultMetrics({ register: registry });
}
