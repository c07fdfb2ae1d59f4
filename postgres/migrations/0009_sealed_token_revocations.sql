-- Sealed access tokens are not stored, so they cannot be marked revoked one
-- by one. Revoking the tokens of a package or BU records an epoch: their
-- sealed tokens issued at or before revoked_before are refused (0 in
-- package_id or mid matches any). Revoking one sealed token records a denial
-- of the SHA-256 of its text, swept once the token has expired.
CREATE TABLE token_epochs (
	package_id     BIGINT NOT NULL,
	mid            BIGINT NOT NULL,
	revoked_before BIGINT NOT NULL,
	PRIMARY KEY (package_id, mid)
);
CREATE TABLE token_denials (
	hash       BYTEA  NOT NULL PRIMARY KEY,
	expires_at BIGINT NOT NULL
);
