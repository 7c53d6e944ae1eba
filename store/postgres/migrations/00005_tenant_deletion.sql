-- Tenants can be deleted: a deleted tenant stays as a tombstone (delete_time set), its keys
-- stay on record, revoked, and its data is erased. API keys reference their tenant.
--
-- Keys whose tenant row is missing (removed by hand: there was no other way) get a
-- tombstone tenant named after the id, and are revoked: they worked although their tenant
-- was gone, which is the flaw this fixes.

-- +goose Up
ALTER TABLE tenants ADD COLUMN delete_time timestamptz;

INSERT INTO tenants (id, name, create_time, delete_time)
SELECT tenant_id, 'deleted-' || tenant_id, MIN(create_time), now()
FROM api_keys k WHERE NOT EXISTS (SELECT 1 FROM tenants t WHERE t.id = k.tenant_id) GROUP BY tenant_id;
UPDATE api_keys SET revoke_time = now()
WHERE revoke_time IS NULL AND tenant_id IN (SELECT id FROM tenants WHERE delete_time IS NOT NULL);

ALTER TABLE api_keys ADD CONSTRAINT api_keys_tenant_fk FOREIGN KEY (tenant_id) REFERENCES tenants (id);

-- +goose Down
ALTER TABLE api_keys DROP CONSTRAINT api_keys_tenant_fk;
ALTER TABLE tenants DROP COLUMN delete_time;
