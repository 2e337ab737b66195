import { Controller, Get, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { StatisticsQuerySchema, type StatisticsQuery, type StatisticsView } from '@xueliang/contracts';
import { AuthUser, CurrentUser, RequireRoles, rolesFor } from '@xueliang/auth';
import { valid } from '@xueliang/platform';
import { statisticsCsv, StatisticsService } from './statistics.service';

@Controller('statistics')
@RequireRoles(...rolesFor('stats.view'))
export class StatisticsController {
  constructor(private readonly statistics: StatisticsService) {}

  /** JSON by default; `?format=csv` answers a CSV download of the same numbers. */
  @Get()
  async get(
    @CurrentUser() user: AuthUser,
    @Query(valid(StatisticsQuerySchema)) q: StatisticsQuery,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StatisticsView | string> {
    const stats = await this.statistics.compute(user, q);
    if (q.format !== 'csv') return stats;
    res.setHeader('content-type', 'text/csv; charset=utf-8');
    res.setHeader('content-disposition', 'attachment; filename="statistics.csv"');
    return statisticsCsv(stats);
  }
}
