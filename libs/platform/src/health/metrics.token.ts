/** Injection token of the prom-client Registry served at GET /metrics. */
export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');
