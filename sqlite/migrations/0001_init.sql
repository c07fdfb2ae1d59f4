-- fuelgate schema, SQLite dialect. Conventions (see internal/sqlstore):
-- times are BIGINT Unix microseconds UTC (0 = none), durations BIGINT
-- nanoseconds, booleans INTEGER 0/1, hashes BLOB (NULL when empty), scopes
-- one space-separated TEXT.

CREATE TABLE accounts (
	mid        BIGINT  NOT NULL PRIMARY KEY,
	parent_mid BIGINT  NOT NULL DEFAULT 0,
	name       TEXT    NOT NULL,
	active     INTEGER NOT NULL,
	created_at BIGINT  NOT NULL,
	updated_at BIGINT  NOT NULL
);
CREATE INDEX accounts_parent_mid ON accounts (parent_mid);

CREATE TABLE settings (
	enterprise_mid     BIGINT  NOT NULL PRIMARY KEY,
	permission_model   TEXT    NOT NULL,
	api_password_login INTEGER NOT NULL,
	lockout_threshold  BIGINT  NOT NULL,
	lockout_duration   BIGINT  NOT NULL,
	token_lifetime     BIGINT  NOT NULL,
	updated_at         BIGINT  NOT NULL
);

CREATE TABLE users (
	id               INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
	enterprise_mid   BIGINT  NOT NULL,
	username         TEXT    NOT NULL,
	username_key     TEXT    NOT NULL UNIQUE, -- strings.ToLower(username)
	name             TEXT    NOT NULL,
	email            TEXT    NOT NULL,
	password_hash    TEXT    NOT NULL,
	password_version BIGINT  NOT NULL,
	digest_secret    BLOB,
	active           INTEGER NOT NULL,
	api_user         INTEGER NOT NULL,
	web_services     INTEGER NOT NULL,
	failed_logins    BIGINT  NOT NULL,
	locked_until     BIGINT  NOT NULL,
	default_mid      BIGINT  NOT NULL,
	last_login_at    BIGINT  NOT NULL,
	created_at       BIGINT  NOT NULL,
	updated_at       BIGINT  NOT NULL
);
CREATE INDEX users_enterprise_mid ON users (enterprise_mid);

CREATE TABLE user_accounts (
	user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	mid     BIGINT NOT NULL,
	PRIMARY KEY (user_id, mid)
);
CREATE INDEX user_accounts_mid ON user_accounts (mid);

CREATE TABLE user_roles (
	user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	role_id TEXT   NOT NULL, -- a system role (in code) or a custom role
	PRIMARY KEY (user_id, role_id)
);

CREATE TABLE roles (
	id             TEXT    NOT NULL PRIMARY KEY,
	role_key       TEXT    NOT NULL,
	enterprise_mid BIGINT  NOT NULL,
	name           TEXT    NOT NULL,
	description    TEXT    NOT NULL,
	is_system      INTEGER NOT NULL,
	created_at     BIGINT  NOT NULL,
	updated_at     BIGINT  NOT NULL
);
CREATE INDEX roles_enterprise_mid ON roles (enterprise_mid);

CREATE TABLE role_permissions (
	role_id    TEXT NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
	permission TEXT NOT NULL,
	PRIMARY KEY (role_id, permission)
);

CREATE TABLE packages (
	id                  INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
	name                TEXT    NOT NULL,
	description         TEXT    NOT NULL,
	mid                 BIGINT  NOT NULL,
	enterprise_mid      BIGINT  NOT NULL,
	legacy              INTEGER NOT NULL,
	enabled             INTEGER NOT NULL,
	integration_type    TEXT    NOT NULL,
	client_id           TEXT    NOT NULL,
	secret_hash         BLOB,
	prev_secret_hash    BLOB,
	prev_secret_expires BIGINT  NOT NULL,
	scopes              TEXT    NOT NULL,
	created_by          TEXT    NOT NULL,
	created_at          BIGINT  NOT NULL,
	updated_at          BIGINT  NOT NULL
);
CREATE UNIQUE INDEX packages_client_id ON packages (client_id);
CREATE INDEX packages_enterprise_mid ON packages (enterprise_mid);

CREATE TABLE package_accounts (
	package_id BIGINT NOT NULL REFERENCES packages (id) ON DELETE CASCADE,
	mid        BIGINT NOT NULL,
	PRIMARY KEY (package_id, mid)
);

CREATE TABLE tokens (
	hash       BLOB   NOT NULL PRIMARY KEY,
	kind       TEXT   NOT NULL,
	package_id BIGINT NOT NULL,
	client_id  TEXT   NOT NULL,
	mid        BIGINT NOT NULL,
	scopes     TEXT   NOT NULL,
	issued_at  BIGINT NOT NULL,
	expires_at BIGINT NOT NULL,
	revoked_at BIGINT NOT NULL
);
CREATE INDEX tokens_expires_at ON tokens (expires_at);
CREATE INDEX tokens_package_id ON tokens (package_id);
CREATE INDEX tokens_mid ON tokens (mid);

CREATE TABLE nonces (
	user_id    BIGINT NOT NULL,
	nonce_hash BLOB   NOT NULL,
	expires_at BIGINT NOT NULL,
	PRIMARY KEY (user_id, nonce_hash)
);
CREATE INDEX nonces_expires_at ON nonces (expires_at);

CREATE TABLE audit_events (
	id        INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
	at        BIGINT  NOT NULL,
	mid       BIGINT  NOT NULL,
	actor     TEXT    NOT NULL,
	action    TEXT    NOT NULL,
	target    TEXT    NOT NULL,
	outcome   TEXT    NOT NULL,
	source_ip TEXT    NOT NULL,
	detail    TEXT    NOT NULL
);
CREATE INDEX audit_events_at ON audit_events (at);
CREATE INDEX audit_events_action ON audit_events (action);
