-- Availability updates per appointment per minute, written in batches by the
-- appointments' alarms (never on the update's own path), for the operator's
-- statistics. Rows older than two days are pruned by the scheduled sweep.
CREATE TABLE update_counts (
  minute INTEGER NOT NULL,
  appointment_id TEXT NOT NULL,
  updates INTEGER NOT NULL,
  PRIMARY KEY (minute, appointment_id)
);
