-- The index of appointments. Each appointment's truth lives in its own
-- Durable Object; this table lets the operator count, list and expire them.
-- Times are milliseconds since the Unix epoch.
CREATE TABLE appointments (
  id TEXT PRIMARY KEY,
  title TEXT NOT NULL,
  timezone TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  participants INTEGER NOT NULL DEFAULT 0,
  last_change_at INTEGER NOT NULL
);
CREATE INDEX appointments_by_expiry ON appointments (expires_at);
CREATE INDEX appointments_by_last_change ON appointments (last_change_at);
