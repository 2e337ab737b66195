import 'reflect-metadata';
import { loadConfig } from '@xueliang/platform';
import { createGatewayApp, startGateway } from './bootstrap';

async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createGatewayApp({ config });
  const url = await startGateway(app, config.GATEWAY_PORT);
  console.log(`camera-gateway ${config.GATEWAY_ID} listening on :${config.GATEWAY_PORT} (${url})`);
}

main().catch((err: unknown) => {
  console.error('camera-gateway failed to start:', err);
  process.exit(1);
});
