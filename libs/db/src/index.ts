export * from './entities';
export * from './data-source';
export * from './snake-naming.strategy';
