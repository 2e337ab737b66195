import { Global, Module } from '@nestjs/common';
import { AlertPublisher } from './alert-publisher';
import { LiveGateway } from './live.gateway';
import { LiveSessions } from './live-sessions';

/** The socket.io gateway, the publisher every alert-changing feature uses, and session ends. */
@Global()
@Module({
  providers: [LiveGateway, AlertPublisher, LiveSessions],
  exports: [AlertPublisher, LiveSessions],
})
export class LiveModule {}
