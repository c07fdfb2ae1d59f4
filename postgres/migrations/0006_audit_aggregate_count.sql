-- An audit event can stand for several occurrences: package auth writes one
-- aggregate event for repeated failures from one source within a window
-- instead of one row each. aggregate_count is how many (AuditEvent.Count);
-- 0 for a single event.
ALTER TABLE audit_events ADD COLUMN aggregate_count BIGINT NOT NULL DEFAULT 0;
