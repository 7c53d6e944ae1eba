-- Alipay+ tokens are refreshed before they expire: the refresher looks for ACTIVE
-- authorizations whose access token expires soon, across tenants.

-- +goose Up
CREATE INDEX subscriptions_token_expiry ON subscriptions (kind, state, token_expire_time);

-- +goose Down
DROP INDEX subscriptions_token_expiry;
