export * from './domain';
export * from './auth';
export * from './admin';
export * from './events';
export * from './validation';
