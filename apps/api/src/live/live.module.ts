import { Global, Module } from '@nestjs/common';
import { AlertPublisher } from './alert-publisher';
import { LiveGateway } from './live.gateway';

/** The socket.io gateway and the publisher every alert-changing feature uses. */
@Global()
@Module({
  providers: [LiveGateway, AlertPublisher],
  exports: [AlertPublisher],
})
export class LiveModule {}
