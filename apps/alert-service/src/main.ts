import 'reflect-metadata';
import { loadConfig } from '@xueliang/platform';
import { AlertService } from './alert-service';

async function main(): Promise<void> {
  const config = loadConfig();
  const concurrency = Number(process.env.ALERT_WORKER_CONCURRENCY ?? 8);
  const lockMs = Number(process.env.ALERT_WORKER_LOCK_MS ?? 30_000);
  const sweepSeconds = Number(process.env.SLA_SWEEP_SECONDS ?? 30);
  const service = new AlertService({
    databaseUrl: config.DATABASE_URL,
    redisUrl: config.REDIS_URL,
    redisPrefix: config.REDIS_PREFIX,
    port: config.ALERT_SERVICE_PORT,
    metricsToken: config.METRICS_TOKEN,
    concurrency: Number.isInteger(concurrency) && concurrency > 0 ? concurrency : 8,
    lockMs: Number.isInteger(lockMs) && lockMs >= 1000 ? lockMs : 30_000,
    slaSweepMs: Number.isFinite(sweepSeconds) && sweepSeconds >= 1 ? sweepSeconds * 1000 : 30_000,
    log: (m) => console.log(m),
  });
  await service.start();
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`alert-service: ${signal}, draining`);
    service.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  console.error('alert-service failed to start:', err);
  process.exit(1);
});
