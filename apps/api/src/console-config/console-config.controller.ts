import { Controller, Get } from '@nestjs/common';
import type { ConsoleConfig } from '@xueliang/contracts';
import { loadConfig } from '@xueliang/platform';

@Controller('config')
export class ConsoleConfigController {
  @Get()
  get(): ConsoleConfig {
    const config = loadConfig();
    return { mapTileUrl: config.MAP_TILE_URL, timezone: config.TIMEZONE };
  }
}
