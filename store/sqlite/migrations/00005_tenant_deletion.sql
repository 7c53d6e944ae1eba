-- Tenants can be deleted: a deleted tenant stays as a tombstone (delete_time set), its keys
-- stay on record, revoked, and its data is erased. API keys reference their tenant.
--
-- Keys whose tenant row is missing (removed by hand: there was no other way) get a
-- tombstone tenant named after the id, and are revoked: they worked although their tenant
-- was gone, which is the flaw this fixes. SQLite adds a foreign key only by rebuilding the
-- table. Times are written in the driver's text form (UTC, ordered).

-- +goose Up
ALTER TABLE tenants ADD COLUMN delete_time DATETIME;

INSERT INTO tenants (id, name, create_time, delete_time)
SELECT tenant_id, 'deleted-' || tenant_id, MIN(create_time), strftime('%Y-%m-%d %H:%M:%f+00:00', 'now')
FROM api_keys WHERE tenant_id NOT IN (SELECT id FROM tenants) GROUP BY tenant_id;
UPDATE api_keys SET revoke_time = strftime('%Y-%m-%d %H:%M:%f+00:00', 'now')
WHERE revoke_time IS NULL AND tenant_id IN (SELECT id FROM tenants WHERE delete_time IS NOT NULL);

CREATE TABLE api_keys_new (
    id          TEXT NOT NULL PRIMARY KEY,
    tenant_id   TEXT NOT NULL REFERENCES tenants (id),
    role        TEXT NOT NULL,
    hash        TEXT NOT NULL,
    create_time DATETIME NOT NULL,
    revoke_time DATETIME,
    last_used   DATETIME
);
INSERT INTO api_keys_new (id, tenant_id, role, hash, create_time, revoke_time, last_used)
SELECT id, tenant_id, role, hash, create_time, revoke_time, last_used FROM api_keys;
DROP TABLE api_keys;
ALTER TABLE api_keys_new RENAME TO api_keys;
CREATE INDEX api_keys_tenant ON api_keys (tenant_id, id);

-- +goose Down
CREATE TABLE api_keys_old (
    id          TEXT NOT NULL PRIMARY KEY,
    tenant_id   TEXT NOT NULL,
    role        TEXT NOT NULL,
    hash        TEXT NOT NULL,
    create_time DATETIME NOT NULL,
    revoke_time DATETIME,
    last_used   DATETIME
);
INSERT INTO api_keys_old (id, tenant_id, role, hash, create_time, revoke_time, last_used)
SELECT id, tenant_id, role, hash, create_time, revoke_time, last_used FROM api_keys;
DROP TABLE api_keys;
ALTER TABLE api_keys_old RENAME TO api_keys;
CREATE INDEX api_keys_tenant ON api_keys (tenant_id, id);
ALTER TABLE tenants DROP COLUMN delete_time;
