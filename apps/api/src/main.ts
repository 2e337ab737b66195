import 'reflect-metadata';
import { loadConfig } from '@xueliang/platform';
import { createApiApp } from './bootstrap';

async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createApiApp({ config });
  await app.listen(config.API_PORT, '0.0.0.0');
  console.log(`api listening on :${config.API_PORT}`);
}

main().catch((err: unknown) => {
  console.error('api failed to start:', err);
  process.exit(1);
});
