import { INestApplication, LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type AppConfig, createLogger, loadConfig } from '@xueliang/platform';
import { CameraGatewayModule } from './camera-gateway.module';
import { GATEWAY_SETTINGS, type GatewaySettings, loadGatewaySettings } from './gateway.config';
import { CameraLeases } from './leases/camera-leases.service';
import { StreamManager } from './streams/stream-manager.service';

export interface GatewayAppOptions {
  logger?: LoggerService | false;
  /** The config the entry point parsed; else it is parsed here, once for this app. */
  config?: AppConfig;
}

/** The gateway app without listening; tests create several in one process. */
export async function createGatewayApp(options: GatewayAppOptions = {}): Promise<INestApplication> {
  const config = options.config ?? loadConfig();
  const app = await NestFactory.create(CameraGatewayModule.forRoot(config, loadGatewaySettings()), {
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
  const settings = app.get<GatewaySettings>(GATEWAY_SETTINGS);
  const publicUrl = url ?? (settings.GATEWAY_URL || `http://127.0.0.1:${bound}`);
  const leases = app.get(CameraLeases);
  const streams = app.get(StreamManager);
  // Cameras with viewers are the last ones a gateway gives away when rebalancing.
  leases.busy = () => new Set(streams.list().map((s) => s.cameraId));
  await leases.start(publicUrl);
  return publicUrl;
}
