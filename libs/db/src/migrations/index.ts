import { InitialSchema1763900000000 } from './1763900000000-initial-schema';

/** In order; every schema change is a new class appended here. */
export const MIGRATIONS = [InitialSchema1763900000000];
