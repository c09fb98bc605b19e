'use strict';
Object.defineProperty(exports, '__esModule', { value: true });
exports.createTestDatabase =
  exports.databaseUrlFor =
  exports.adminDatabaseUrl =
  exports.TEMPLATE_DATABASE =
    void 0;
const node_crypto_1 = require('node:crypto');
const postgres_1 = require('../../src/infra/postgres');
exports.TEMPLATE_DATABASE = 'bridge_test_template';
const serverUrl = () =>
  new URL(process.env.TEST_DATABASE_SERVER_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
const adminDatabaseUrl = () => serverUrl().toString();
exports.adminDatabaseUrl = adminDatabaseUrl;
const databaseUrlFor = (name) => {
  const url = serverUrl();
  url.pathname = `/${name}`;
  return url.toString();
};
exports.databaseUrlFor = databaseUrlFor;
/** A fresh, migrated database of its own for one test file, cloned from the template made by the global set-up. */
const createTestDatabase = async (label) => {
  const name = `bridge_t_${label
    .replace(/[^a-z0-9]/gi, '_')
    .toLowerCase()
    .slice(0, 30)}_${(0, node_crypto_1.randomBytes)(4).toString('hex')}`;
  const admin = (0, postgres_1.createPool)((0, exports.adminDatabaseUrl)(), { max: 1 });
  try {
    await admin.query(
      `CREATE DATABASE ${(0, postgres_1.quoteIdentifier)(name)} TEMPLATE ${(0, postgres_1.quoteIdentifier)(exports.TEMPLATE_DATABASE)}`,
    );
  } finally {
    await admin.end();
  }
  return {
    url: (0, exports.databaseUrlFor)(name),
    drop: async () => {
      const pool = (0, postgres_1.createPool)((0, exports.adminDatabaseUrl)(), { max: 1 });
      try {
        await pool.query(`DROP DATABASE IF EXISTS ${(0, postgres_1.quoteIdentifier)(name)} WITH (FORCE)`);
      } finally {
        await pool.end();
      }
    },
  };
};
exports.createTestDatabase = createTestDatabase;
//# sourceMappingURL=database.js.map
