// kine's schema (k3s-io/kine pkg/drivers/sqlite/sqlite.go): one append-only log whose row id is the
// revision. The UNIQUE (name, prev_revision) index is the compare-and-swap: two writes that replace the
// same row cannot both commit. Differences from kine: `name` is TEXT (kine declares INTEGER, whose
// affinity would turn a numeric-looking key into a number), and the compact revision lives in a small
// meta table instead of a `compact_rev_key` row, so the keyspace holds only real keys.

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS kine (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT,
  created INTEGER,
  deleted INTEGER,
  create_revision INTEGER,
  prev_revision INTEGER,
  lease INTEGER,
  value BLOB,
  old_value BLOB
);
CREATE INDEX IF NOT EXISTS kine_name_index ON kine (name);
CREATE INDEX IF NOT EXISTS kine_name_id_index ON kine (name, id);
CREATE INDEX IF NOT EXISTS kine_id_deleted_index ON kine (id, deleted);
CREATE INDEX IF NOT EXISTS kine_prev_revision_index ON kine (prev_revision);
CREATE UNIQUE INDEX IF NOT EXISTS kine_name_prev_revision_uindex ON kine (name, prev_revision);
CREATE TABLE IF NOT EXISTS kine_meta (
  key TEXT PRIMARY KEY,
  value INTEGER NOT NULL
);
`;

/** The columns of a log row of table alias `t`, named as LogRow's fields. */
export function rowColumns(t: string): string {
  return (
    `${t}.id AS id, ${t}.name AS name, ${t}.created AS created, ${t}.deleted AS deleted, ` +
    `${t}.create_revision AS createRevision, ${t}.prev_revision AS prevRevision, ${t}.value AS value, ` +
    `${t}.old_value AS oldValue`
  );
}

export const COMPACT_REVISION_KEY = 'compact_revision';
