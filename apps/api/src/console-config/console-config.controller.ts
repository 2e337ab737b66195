import { Controller, Get } from '@nestjs/common';
import { loadConfig } from '@xueliang/platform';

export interface ConsoleConfig {
  /** XYZ tile template for the map's base layer; empty: draw only our own region data (offline networks). */
  mapTileUrl: string;
  timezone: string;
}

@Controller('config')
export class ConsoleConfigController {
  @Get()
  get(): ConsoleConfig {
    const config = loadConfig();
    return { mapTileUrl: config.MAP_TILE_URL, timezone: config.TIMEZONE };
  }
}
