import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { AuditController } from './audit.controller';
import { AuditService } from './audit.service';
import { ScopeDenialAuditInterceptor } from './scope-denial-audit.interceptor';
import { ScopeProbeWatch } from './scope-probe-watch';

@Module({
  controllers: [AuditController],
  providers: [
    AuditService,
    ScopeProbeWatch,
    { provide: APP_INTERCEPTOR, useClass: ScopeDenialAuditInterceptor },
  ],
})
export class AuditModule {}
