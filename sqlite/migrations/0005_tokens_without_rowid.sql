-- Every issued token is inserted at the right edge of the token key (it
-- starts with a time-ordered ID). Stored WITHOUT ROWID, the row lives in that
-- primary-key B-tree itself, so an insert writes one B-tree less.
CREATE TABLE tokens_new (
	hash       BLOB   NOT NULL PRIMARY KEY,
	kind       TEXT   NOT NULL,
	package_id BIGINT NOT NULL,
	client_id  TEXT   NOT NULL,
	mid        BIGINT NOT NULL,
	scopes     TEXT   NOT NULL,
	issued_at  BIGINT NOT NULL,
	expires_at BIGINT NOT NULL,
	revoked_at BIGINT NOT NULL
) WITHOUT ROWID;
INSERT INTO tokens_new (hash, kind, package_id, client_id, mid, scopes, issued_at, expires_at, revoked_at)
	SELECT hash, kind, package_id, client_id, mid, scopes, issued_at, expires_at, revoked_at FROM tokens;
DROP TABLE tokens;
ALTER TABLE tokens_new RENAME TO tokens;
CREATE INDEX tokens_expires_at ON tokens (expires_at);
