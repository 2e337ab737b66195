export * from './domain';
export * from './auth';
export * from './admin';
export * from './events';
export * from './validation';
export * from './alerts';
export * from './cameras';
export * from './socket';
