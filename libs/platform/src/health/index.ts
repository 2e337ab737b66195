export * from './health.controller';
export * from './health.module';
export * from './health.types';
export * from './metrics';
export * from './metrics.token';
export * from './metrics-access';
