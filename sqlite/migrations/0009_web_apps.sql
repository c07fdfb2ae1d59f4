-- Web and public apps (authorization code, refresh tokens with rotation).
-- Packages get their redirect URIs (space-separated, compared exactly) and
-- whether /v2/authorize requires a PKCE challenge. Tokens get the user they
-- act for and the family (authorization) they descend from; both columns
-- are indexed only where set, so client_credentials tokens, the hot insert
-- path, pay for neither index.
ALTER TABLE packages ADD COLUMN redirect_uris TEXT NOT NULL DEFAULT '';
ALTER TABLE packages ADD COLUMN require_pkce INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tokens ADD COLUMN user_id BIGINT NOT NULL DEFAULT 0;
ALTER TABLE tokens ADD COLUMN family TEXT NOT NULL DEFAULT '';
CREATE INDEX tokens_user ON tokens (user_id) WHERE user_id <> 0;
CREATE INDEX tokens_family ON tokens (family) WHERE family <> '';

-- Authorization codes: single use, five minutes, stored as SHA-256.
CREATE TABLE auth_codes (
	hash         BLOB    NOT NULL PRIMARY KEY,
	package_id   BIGINT  NOT NULL,
	client_id    TEXT    NOT NULL,
	user_id      BIGINT  NOT NULL,
	mid          BIGINT  NOT NULL,
	scopes       TEXT    NOT NULL,
	redirect_uri TEXT    NOT NULL,
	challenge    TEXT    NOT NULL,
	family       TEXT    NOT NULL,
	issued_at    BIGINT  NOT NULL,
	expires_at   BIGINT  NOT NULL,
	used_at      BIGINT  NOT NULL
);
CREATE INDEX auth_codes_expires_at ON auth_codes (expires_at);
