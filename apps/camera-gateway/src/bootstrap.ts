import { INestApplication, LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createLogger, loadConfig } from '@xueliang/platform';
import { CameraGatewayModule } from './camera-gateway.module';
import { CameraLeases } from './leases/camera-leases.service';
import { StreamManager } from './streams/stream-manager.service';

export interface GatewayAppOptions {
  logger?: LoggerService | false;
}

/** The gateway app without listening; tests create several in one process. */
export async function createGatewayApp(options: GatewayAppOptions = {}): Promise<INestApplication> {
  const config = loadConfig();
  const app = await NestFactory.create(CameraGatewayModule, {
    logger: options.logger ?? createLogger(config.LOG_LEVEL),
  });
  app.enableShutdownHooks();
  return app;
}

/**
 * Listens, then joins the fleet: the heartbeat carries the URL the api reaches this gateway on
 * (GATEWAY_URL, or the bound address when listening on an ephemeral port).
 */
export async function startGateway(
  app: INestApplication,
  port: number,
  host = '0.0.0.0',
  url?: string,
): Promise<string> {
  await app.listen(port, host);
  const bound = (app.getHttpServer().address() as { port: number }).port;
  // An explicit GATEWAY_URL wins (gateways on other hosts); else the address we are bound to.
  const publicUrl = url ?? (process.env.GATEWAY_URL ? loadConfig().GATEWAY_URL : `http://127.0.0.1:${bound}`);
  const leases = app.get(CameraLeases);
  const streams = app.get(StreamManager);
  // Cameras with viewers are the last ones a gateway gives away when rebalancing.
  leases.busy = () => new Set(streams.list().map((s) => s.cameraId));
  await leases.start(publicUrl);
  return publicUrl;
}
