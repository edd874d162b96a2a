//! The schemas earlier code created, copied as they were (never derived
//! from the current one), for [`super::upgrade_tests`].

/// The schema of the code before numbered migrations (tables created and
/// columns added on every wake), as it created it.
pub const BEFORE_MIGRATIONS: &str = "
CREATE TABLE IF NOT EXISTS meta (
  one INTEGER PRIMARY KEY CHECK (one = 1),
  id TEXT NOT NULL,
  title TEXT NOT NULL,
  schedule TEXT NOT NULL,
  admin_hash BLOB NOT NULL,
  version INTEGER NOT NULL,
  final_start INTEGER,
  final_end INTEGER,
  created_at INTEGER NOT NULL,
  changed_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  unflushed_updates INTEGER NOT NULL DEFAULT 0,
  closed INTEGER NOT NULL DEFAULT 0,
  pushed_version INTEGER NOT NULL DEFAULT 0,
  view_version INTEGER NOT NULL DEFAULT 0,
  expected TEXT NOT NULL DEFAULT '[]',
  deadline INTEGER,
  deadline_told INTEGER NOT NULL DEFAULT 0,
  required TEXT NOT NULL DEFAULT '[]',
  min_people INTEGER,
  private INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS participants (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  name_key TEXT NOT NULL,
  password_hash TEXT,
  availability BLOB NOT NULL,
  changed_version INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS tokens (
  hash BLOB PRIMARY KEY,
  participant_id TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS participants_by_key ON participants(name_key);
CREATE INDEX IF NOT EXISTS tokens_by_participant ON tokens(participant_id);
CREATE TABLE IF NOT EXISTS wrong_passwords (
  participant_id TEXT NOT NULL,
  client TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS wrong_passwords_by_participant
  ON wrong_passwords(participant_id, client, at);
CREATE TABLE IF NOT EXISTS joins (
  client TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS joins_by_client ON joins(client, at);
CREATE TABLE IF NOT EXISTS removed (
  id TEXT NOT NULL,
  version INTEGER NOT NULL
);
";

/// The schema from before one canonical key per name: unique keys, a
/// second look-alike key, and no organiser's tools.
pub const UNIQUE_KEYS: &str = "
CREATE TABLE IF NOT EXISTS meta (
  one INTEGER PRIMARY KEY CHECK (one = 1),
  id TEXT NOT NULL,
  title TEXT NOT NULL,
  schedule TEXT NOT NULL,
  admin_hash BLOB NOT NULL,
  version INTEGER NOT NULL,
  final_start INTEGER,
  final_end INTEGER,
  created_at INTEGER NOT NULL,
  changed_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  unflushed_updates INTEGER NOT NULL DEFAULT 0,
  closed INTEGER NOT NULL DEFAULT 0,
  pushed_version INTEGER NOT NULL DEFAULT 0,
  view_version INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS participants (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  name_key TEXT NOT NULL UNIQUE,
  name_key_b TEXT NOT NULL DEFAULT '',
  password_hash TEXT,
  availability BLOB NOT NULL,
  changed_version INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS tokens (
  hash BLOB PRIMARY KEY,
  participant_id TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS tokens_by_participant ON tokens(participant_id);
CREATE TABLE IF NOT EXISTS wrong_passwords (
  participant_id TEXT NOT NULL,
  client TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS wrong_passwords_by_participant
  ON wrong_passwords(participant_id, client, at);
CREATE TABLE IF NOT EXISTS joins (
  client TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS joins_by_client ON joins(client, at);
CREATE TABLE IF NOT EXISTS removed (
  id TEXT NOT NULL,
  version INTEGER NOT NULL
);
";

/// The first schema: unique keys, and `meta` without any later column.
pub const FIRST: &str = "
CREATE TABLE IF NOT EXISTS meta (
  one INTEGER PRIMARY KEY CHECK (one = 1),
  id TEXT NOT NULL,
  title TEXT NOT NULL,
  schedule TEXT NOT NULL,
  admin_hash BLOB NOT NULL,
  version INTEGER NOT NULL,
  final_start INTEGER,
  final_end INTEGER,
  created_at INTEGER NOT NULL,
  changed_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS participants (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  name_key TEXT NOT NULL UNIQUE,
  password_hash TEXT,
  availability BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS tokens (
  hash BLOB PRIMARY KEY,
  participant_id TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS tokens_by_participant ON tokens(participant_id);
";
