import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  Controller,
  Get,
  Header,
  HttpException,
  Inject,
  Req,
  Res,
  ServiceUnavailableException,
  SetMetadata,
} from '@nestjs/common';
import { Registry } from 'prom-client';
import { HEALTH_OPTIONS, HealthOptions, IS_PUBLIC_KEY } from './health.types';
import { metricsAccess, metricsRefusal } from './metrics-access';
import { METRICS_REGISTRY } from './metrics.token';

export interface ReadinessReport {
  status: 'ok' | 'unavailable';
  checks: Record<string, string>;
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Liveness, readiness and metrics; no login, so orchestrators and Prometheus can reach them.
 * /metrics is limited further: to this machine, or to holders of METRICS_TOKEN (metricsAccess).
 */
@Controller()
@SetMetadata(IS_PUBLIC_KEY, true)
export class HealthController {
  constructor(
    @Inject(HEALTH_OPTIONS) private readonly options: HealthOptions,
    @Inject(METRICS_REGISTRY) private readonly registry: Registry,
  ) {}

  /** The process runs and its event loop answers; says nothing about dependencies. */
  @Get('healthz')
  healthz(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** 200 when every dependency answers, else 503 naming the failed check(s). */
  @Get('readyz')
  async readyz(): Promise<ReadinessReport> {
    const timeoutMs = this.options.checkTimeoutMs ?? 2000;
    const results = await Promise.all(
      this.options.checks.map(async (c) => {
        try {
          await withTimeout(
            Promise.resolve().then(() => c.check()),
            timeoutMs,
          );
          return [c.name, 'ok'] as const;
        } catch (error) {
          return [c.name, `failed: ${(error as Error)?.message ?? String(error)}`] as const;
        }
      }),
    );
    const report: ReadinessReport = {
      status: results.every(([, r]) => r === 'ok') ? 'ok' : 'unavailable',
      checks: Object.fromEntries(results),
    };
    if (report.status !== 'ok') throw new ServiceUnavailableException(report);
    return report;
  }

  @Get('metrics')
  @Header('Content-Type', Registry.PROMETHEUS_CONTENT_TYPE)
  @Header('Cache-Control', 'no-store')
  metrics(@Req() req: IncomingMessage, @Res({ passthrough: true }) res: ServerResponse): Promise<string> {
    const access = metricsAccess(
      { remoteAddress: req.socket.remoteAddress, headers: req.headers },
      this.options.metricsToken,
    );
    if (access !== 'allowed') {
      const refusal = metricsRefusal(access);
      for (const [name, value] of Object.entries(refusal.headers)) res.setHeader(name, value);
      throw new HttpException({ message: refusal.message }, refusal.status);
    }
    return this.registry.metrics();
  }
}
