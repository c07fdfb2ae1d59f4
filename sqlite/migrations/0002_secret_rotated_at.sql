-- When the current client secret replaced the previous one (microseconds, 0: never).
ALTER TABLE packages ADD COLUMN secret_rotated_at BIGINT NOT NULL DEFAULT 0;
