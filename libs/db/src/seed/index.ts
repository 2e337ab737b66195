export * from './seed';
export { DEMO_PASSWORD, DEMO_USERS, COUNTY } from './demo-county';
