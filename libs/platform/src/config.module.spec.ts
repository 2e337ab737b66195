import { Controller, Get } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { type AppConfig, loadConfig } from './config';
import { APP_CONFIG, AppConfigModule, InjectConfig } from './config.module';

/** A provider reading a setting the way the apps' services do. */
@Controller()
class ReadsTimezone {
  constructor(@InjectConfig() private readonly config: AppConfig) {}

  @Get()
  timezone(): string {
    return this.config.TIMEZONE;
  }
}

describe('AppConfigModule', () => {
  it('gives every provider the one config it was built with, whatever the environment says later', async () => {
    const config = loadConfig({ TIMEZONE: 'Asia/Urumqi' });
    const moduleRef = await Test.createTestingModule({
      imports: [AppConfigModule.forRoot(config)],
      controllers: [ReadsTimezone],
    }).compile();
    expect(moduleRef.get(APP_CONFIG)).toBe(config);
    const before = process.env.TIMEZONE;
    process.env.TIMEZONE = 'Europe/Berlin';
    try {
      expect(moduleRef.get(ReadsTimezone).timezone()).toBe('Asia/Urumqi');
    } finally {
      if (before === undefined) delete process.env.TIMEZONE;
      else process.env.TIMEZONE = before;
    }
    await moduleRef.close();
  });
});
