import { createDataSource } from '@xueliang/db';
import type { DataSource } from 'typeorm';
import { createTestDatabase } from '../support/database';

/**
 * The entities and the migrations describe the same schema: what TypeORM would change to match
 * the entities on a freshly migrated database is nothing that matters (columns, types,
 * nullability, tables). Several people add migrations at once; a missed column fails here,
 * not in production at the first INSERT.
 */
describe('schema drift between entities and migrations', () => {
  let db: DataSource;

  beforeAll(async () => {
    db = createDataSource({ url: await createTestDatabase(), poolSize: 2 });
    await db.initialize();
  });
  afterAll(() => db.destroy());

  it('the migrated schema has every table and column the entities use', async () => {
    const sql = await db.driver.createSchemaBuilder().log();
    const changes = sql.upQueries
      .map((q) => q.query)
      // Index and constraint names are ours (migrations name them for people); only their
      // existence matters, and TypeORM's generated names differ.
      .filter((q) => !/^(CREATE|DROP) (UNIQUE )?INDEX /.test(q))
      .filter((q) => !/^ALTER TABLE "[^"]+" (ADD|DROP) CONSTRAINT /.test(q));
    expect(changes).toEqual([]);
  });
});
