import { CallHandler, ExecutionContext, Injectable, Logger, NestInterceptor } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Request } from 'express';
import { catchError, from, mergeMap, Observable, throwError } from 'rxjs';
import { DataSource } from 'typeorm';
import { scopeDenialOf, type AuthUser, type ScopeDenial } from '@xueliang/auth';
import { auditAction } from '@xueliang/db';
import { ScopeProbeWatch } from './scope-probe-watch';

/** The audit action of a refused cross-region attempt; the audit page filters on it. */
const SCOPE_DENIED_ACTION = 'scope.denied';

/**
 * Records every request refused by the region scope (404 "not found" or 403 "outside your
 * region" from assertVisible/assertWritable): who, what kind of resource and which, from which
 * address. The entry is filed under the caller's own region, so the supervisors over that
 * user see it; a burst of them raises an alert (ScopeProbeWatch). Lists are scoped in SQL and never pass through here, so they cost nothing more.
 * The caller still gets the same 404/403; a failed audit write is logged, never answered.
 */
@Injectable()
export class ScopeDenialAuditInterceptor implements NestInterceptor {
  private readonly logger = new Logger('audit');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly probes: ScopeProbeWatch,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const req = context.switchToHttp().getRequest<Request & { user?: AuthUser }>();
    return next.handle().pipe(
      catchError((err: unknown) => {
        const denial = scopeDenialOf(err);
        if (!denial || !req.user) return throwError(() => err);
        return from(this.record(req, req.user, denial, err)).pipe(mergeMap(() => throwError(() => err)));
      }),
    );
  }

  private async record(req: Request, user: AuthUser, denial: ScopeDenial, err: unknown): Promise<void> {
    const params = (req.params ?? {}) as Record<string, string | undefined>;
    const targetId = params.id ?? params.cameraId ?? null;
    try {
      await auditAction(this.db.manager, user, req.ip, {
        action: SCOPE_DENIED_ACTION,
        targetType: denial.what.slice(0, 32),
        targetId: targetId?.slice(0, 200) ?? null,
        regionId: user.regionId,
        detail: {
          method: req.method,
          route: (req.route as { path?: string } | undefined)?.path ?? null,
          path: req.path,
          refusal: denial.refusal,
          status: (err as { getStatus?: () => number }).getStatus?.() ?? null,
        },
      });
    } catch (e) {
      this.logger.warn(`could not audit a refused ${denial.what} request: ${(e as Error).message}`);
    }
    await this.probes.noteDenial(user, req.ip).catch((e: unknown) => {
      this.logger.warn(`could not count a refused ${denial.what} request: ${(e as Error).message}`);
    });
  }
}
