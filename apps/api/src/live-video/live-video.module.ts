import { Module } from '@nestjs/common';
import { GatewayClient } from './gateway-client.service';
import { HlsController } from './hls.controller';
import { LiveVideoService } from './live-video.service';

@Module({
  controllers: [HlsController],
  providers: [GatewayClient, LiveVideoService],
  exports: [GatewayClient, LiveVideoService],
})
export class LiveVideoModule {}
