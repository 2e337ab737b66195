import { Controller, Get } from '@nestjs/common';
import type { ConsoleConfig } from '@xueliang/contracts';
import { type AppConfig, InjectConfig } from '@xueliang/platform';

@Controller('config')
export class ConsoleConfigController {
  constructor(@InjectConfig() private readonly config: AppConfig) {}

  @Get()
  get(): ConsoleConfig {
    return { mapTileUrl: this.config.MAP_TILE_URL, timezone: this.config.TIMEZONE };
  }
}
