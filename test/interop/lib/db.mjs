// db.mjs: the scratch database of the interop suite, and SQL helpers.
//
// The server is the one PGHOST/PGPORT/PGUSER point at (node-postgres reads
// them).  The suite drops and recreates its own database, in UTF8 so that
// non-ASCII claims are representable, and creates token_ext in it.

import assert from 'node:assert/strict';
import pg from 'pg';

export const SCRATCH_DB = process.env.TOKEN_EXT_INTEROP_DB || 'token_ext_interop';

let client = null;

// Create the scratch database and connect to it.
export async function openScratchDatabase() {
  const admin = new pg.Client({ database: 'postgres' });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${SCRATCH_DB} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${SCRATCH_DB} TEMPLATE template0 ENCODING 'UTF8' ` +
                      `LC_COLLATE 'C' LC_CTYPE 'C'`);
  } finally {
    await admin.end();
  }
  client = new pg.Client({ database: SCRATCH_DB });
  await client.connect();
  await client.query('CREATE EXTENSION token_ext');
  return client;
}

export async function closeScratchDatabase() {
  if (client) await client.end();
  client = null;
}

// Run one statement and return its rows.
export async function sql(text, params = []) {
  const res = await client.query(text, params);
  return res.rows;
}

// The value of the single column of the single row of a query.
export async function sqlValue(text, params = []) {
  const res = await client.query({ text, values: params, rowMode: 'array' });
  assert.equal(res.rows.length, 1, `expected one row from: ${text}`);
  return res.rows[0][0];
}

// Run a statement that must fail with this SQLSTATE, message and (if given) detail.
export async function sqlFails(text, params, expected) {
  let err = null;
  try {
    await client.query(text, params);
  } catch (e) {
    err = e;
  }
  assert.ok(err, `expected an error (${expected.message}) from: ${text}`);
  if (!(err instanceof pg.DatabaseError)) throw err;
  const got = { code: err.code, message: err.message };
  const want = { code: expected.code, message: expected.message };
  if (expected.detail !== undefined) {
    got.detail = err.detail;
    want.detail = expected.detail;
  }
  assert.deepEqual(got, want);
}
