import { Module } from '@nestjs/common';
import { SlaPoliciesController } from './sla-policies.controller';
import { SlaPoliciesService } from './sla-policies.service';

@Module({ controllers: [SlaPoliciesController], providers: [SlaPoliciesService] })
export class SlaPoliciesModule {}
