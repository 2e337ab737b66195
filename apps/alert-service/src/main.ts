import 'reflect-metadata';
import { loadConfig } from '@xueliang/platform';
import { AlertService } from './alert-service';

async function main(): Promise<void> {
  const config = loadConfig();
  const service = new AlertService({
    databaseUrl: config.DATABASE_URL,
    redisUrl: config.REDIS_URL,
    redisPrefix: config.REDIS_PREFIX,
    port: config.ALERT_SERVICE_PORT,
    metricsToken: config.METRICS_TOKEN,
    concurrency: config.ALERT_WORKER_CONCURRENCY,
    lockMs: config.ALERT_WORKER_LOCK_MS,
    slaSweepMs: config.SLA_SWEEP_SECONDS * 1000,
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
