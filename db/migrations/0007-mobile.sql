-- The mobile row: bearer tokens for the JSON API, trusted devices with a PIN, passkeys bound to
-- a device, and single-use WebAuthn challenges. Only hashes of the tokens are stored.

-- id is the SHA-256 (hex) of the bearer token the client holds.
CREATE TABLE api_tokens (
  id TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  user_agent TEXT NOT NULL
) STRICT;
CREATE INDEX api_tokens_by_user ON api_tokens(user_id);

-- A browser the user trusted by setting a PIN on it; token_hash is the SHA-256 of its cookie.
-- failed_pins counts wrong PINs since the last right one; at 5 the device is disabled for good.
CREATE TABLE trusted_devices (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  token_hash TEXT NOT NULL UNIQUE,
  pin_hash TEXT NOT NULL,
  failed_pins INTEGER NOT NULL DEFAULT 0,
  disabled_at INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  user_agent TEXT NOT NULL
) STRICT;
CREATE INDEX trusted_devices_by_user ON trusted_devices(user_id);

-- A WebAuthn credential (id in base64url) enrolled on one trusted device.
CREATE TABLE passkeys (
  id TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  device_id INTEGER NOT NULL REFERENCES trusted_devices(id) ON DELETE CASCADE,
  public_key BLOB NOT NULL,
  counter INTEGER NOT NULL,
  transports TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_used_at INTEGER
) STRICT;
CREATE INDEX passkeys_by_device ON passkeys(device_id);

-- Challenges handed to the browser; each is used at most once (used_at) and expires.
CREATE TABLE webauthn_challenges (
  challenge TEXT PRIMARY KEY,
  purpose TEXT NOT NULL CHECK (purpose IN ('register', 'login')),
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  device_id INTEGER NOT NULL REFERENCES trusted_devices(id) ON DELETE CASCADE,
  expires_at INTEGER NOT NULL,
  used_at INTEGER
) STRICT;
CREATE INDEX webauthn_challenges_by_expiry ON webauthn_challenges(expires_at);
