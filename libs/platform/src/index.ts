export * from './config';
export * from './redis';
export * from './logger';
export * from './redis.module';
export * from './http/zod-validation.pipe';
export * from './http/api-exception.filter';
export * from './launch';
export * from './health';
