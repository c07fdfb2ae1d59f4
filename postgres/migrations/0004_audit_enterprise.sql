-- Every audit event names the enterprise whose Audit Trail shows it, so that
-- an enterprise's trail is read through its own index whatever other
-- enterprises write. Existing events get the enterprise above their BU.
ALTER TABLE audit_events ADD COLUMN enterprise_mid BIGINT NOT NULL DEFAULT 0;
WITH RECURSIVE roots(mid, root) AS (
	SELECT mid, mid FROM accounts WHERE parent_mid = 0
	UNION ALL
	SELECT a.mid, r.root FROM accounts a JOIN roots r ON a.parent_mid = r.mid
)
UPDATE audit_events SET enterprise_mid = roots.root FROM roots
WHERE roots.mid = audit_events.mid AND audit_events.mid <> 0;
CREATE INDEX audit_events_enterprise ON audit_events (enterprise_mid, id);
