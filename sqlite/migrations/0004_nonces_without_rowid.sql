-- Every PasswordDigest login inserts a nonce at a random place of the
-- primary key. Stored WITHOUT ROWID, the row lives in that primary-key
-- B-tree itself, so an insert writes one B-tree less.
CREATE TABLE nonces_new (
	user_id    BIGINT NOT NULL,
	nonce_hash BLOB   NOT NULL,
	expires_at BIGINT NOT NULL,
	PRIMARY KEY (user_id, nonce_hash)
) WITHOUT ROWID;
INSERT INTO nonces_new (user_id, nonce_hash, expires_at) SELECT user_id, nonce_hash, expires_at FROM nonces;
DROP TABLE nonces;
ALTER TABLE nonces_new RENAME TO nonces;
CREATE INDEX nonces_expires_at ON nonces (expires_at);
