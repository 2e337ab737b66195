export * from './auth-user';
export * from './decorators';
export * from './region-scope';
export * from './session.service';
export * from './guards';
export * from './auth.module';
export * from './permissions';
