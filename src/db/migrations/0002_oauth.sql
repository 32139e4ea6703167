-- OAuth 2 for the Mastodon client API: registered apps, authorization
-- codes and access tokens. Secrets, codes and tokens are stored as SHA-256
-- hashes (hex); the clear value is shown to the client once.

CREATE TABLE oauth_apps (
    id BIGINT PRIMARY KEY,
    name TEXT NOT NULL,
    website TEXT,
    redirect_uris TEXT NOT NULL,          -- newline-separated
    scopes TEXT NOT NULL,                 -- space-separated
    client_id TEXT NOT NULL UNIQUE,
    client_secret_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE oauth_codes (
    code_hash TEXT PRIMARY KEY,
    app_id BIGINT NOT NULL REFERENCES oauth_apps (id) ON DELETE CASCADE,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    scopes TEXT NOT NULL,
    redirect_uri TEXT NOT NULL,
    code_challenge TEXT,                  -- PKCE S256 challenge, when given
    expires_at BIGINT NOT NULL
);

CREATE TABLE oauth_tokens (
    id BIGINT PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    refresh_hash TEXT UNIQUE,
    app_id BIGINT NOT NULL REFERENCES oauth_apps (id) ON DELETE CASCADE,
    account_id BIGINT REFERENCES accounts (id) ON DELETE CASCADE, -- NULL for client credentials
    scopes TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT,
    revoked_at BIGINT
);
CREATE INDEX oauth_tokens_account ON oauth_tokens (account_id);
