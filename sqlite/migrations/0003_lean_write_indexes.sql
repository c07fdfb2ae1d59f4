-- Every issued token writes a token row and an audit event, so each index on
-- those tables is paid on the hottest write path. Revoking the tokens of a
-- package or a business unit (rare admin actions) scans the live tokens
-- through tokens_expires_at instead of keeping two more indexes; the audit
-- action index leaves out the high-volume token.issue events, which are
-- dense enough to find by scanning newest first.
DROP INDEX tokens_package_id;
DROP INDEX tokens_mid;
DROP INDEX audit_events_action;
CREATE INDEX audit_events_rare_action ON audit_events (action) WHERE action <> 'token.issue';
