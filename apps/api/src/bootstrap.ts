import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { INestApplication, LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { type AppConfig, createLogger, loadConfig, securityHeaders } from '@xueliang/platform';
import { AppModule } from './app.module';
import { RedisIoAdapter } from './live/redis-io.adapter';

export interface ApiAppOptions {
  logger?: LoggerService | false;
  /** The config the entry point parsed; else it is parsed here, once for this app. */
  config?: AppConfig;
}

/** Builds the api application (routes, filters, static console) without listening; tests use it too. */
export async function createApiApp(options: ApiAppOptions = {}): Promise<INestApplication> {
  const config = options.config ?? loadConfig();
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    logger: options.logger ?? createLogger(config.LOG_LEVEL),
    bodyParser: true,
  });
  // Only listed proxies may tell us the client address (X-Forwarded-For); by default nobody can,
  // so the address that is audited and rate-limited is the peer's and cannot be forged.
  app.set('trust proxy', config.TRUSTED_PROXIES.length ? config.TRUSTED_PROXIES : false);
  app.disable('x-powered-by');
  // Before the body parsers, so that their 400/413 answers carry the headers too.
  app.use(securityHeaders({ mapTileUrl: config.MAP_TILE_URL }));
  app.useBodyParser('json', { limit: '1mb' });
  app.setGlobalPrefix('api', { exclude: ['healthz', 'readyz', 'metrics'] });
  app.enableShutdownHooks();
  // socket.io across api nodes and from the alert-service's emitter (same key prefix).
  app.useWebSocketAdapter(
    new RedisIoAdapter(app, config.REDIS_URL, config.REDIS_PREFIX, config.CONSOLE_ORIGINS),
  );
  serveConsole(app, resolve(config.CONSOLE_DIST));
  return app;
}

/** The built console, with every non-API path falling back to index.html for client routing. */
function serveConsole(app: NestExpressApplication, dir: string): void {
  if (!existsSync(join(dir, 'index.html'))) return;
  app.useStaticAssets(dir, { index: false, maxAge: '1h' });
  const index = join(dir, 'index.html');
  app.use((req: Request, res: Response, next: NextFunction) => {
    const apiPath = /^\/(api|socket\.io|hls|healthz|readyz|metrics)(\/|$)/.test(req.path);
    if (req.method !== 'GET' || apiPath || !req.accepts('html')) return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
}
