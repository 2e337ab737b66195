export * from './entities';
export * from './data-source';
export * from './statement-logger';
export * from './snake-naming.strategy';
export * from './credential-cipher';
export * from './audit';
export * from './integration-keys';
export * from './seed';
