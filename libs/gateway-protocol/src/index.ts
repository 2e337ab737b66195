export * from './internal-token';
export * from './redis-keys';
export * from './hls-files';
export * from './messages';
export * from './routes';
