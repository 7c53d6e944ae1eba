package main

import (
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// tenantRow returns the `tenants list` row of name (its fields), or nil.
func tenantRow(list, name string) []string {
	for _, l := range strings.Split(list, "\n") {
		if f := strings.Fields(l); len(f) > 1 && f[1] == name {
			return f
		}
	}
	return nil
}

// authGet sends GET path with a bearer key and returns the status.
func authGet(t *testing.T, url, key string) int {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestTenants: `tenants list` shows every tenant with its live keys; `tenants delete` needs
// --yes, then revokes the tenant's keys at once — a running server refuses them on the
// next call — and leaves a tombstone whose name cannot be used again.
func TestTenants(t *testing.T) {
	t.Parallel()
	db := "sqlite:" + filepath.Join(t.TempDir(), "db", "reach.db")
	acme, acmeID := createKey(t, nil, "--tenant", "acme", "--role", "admin", "--database", db)
	createKey(t, nil, "--tenant", "acme", "--role", "sender", "--database", db)
	globex, _ := createKey(t, nil, "--tenant", "globex", "--role", "admin", "--database", db)

	list := mustReach(t, nil, "tenants", "list", "--database", db).stdout
	if header := strings.Join(strings.Fields(strings.SplitN(list, "\n", 2)[0]), " "); header != "ID NAME CREATED KEYS DELETED" {
		t.Fatalf("tenants list header %q", header)
	}
	if row := tenantRow(list, "acme"); len(row) != 5 || row[3] != "2" || row[4] != "-" {
		t.Fatalf("acme in tenants list: %q\n%s", row, list)
	}

	srv := serveReady(t, nil, "--database", db, "--dispatch=false")
	defer srv.stop()
	for _, key := range []string{acme, globex} {
		if code := authGet(t, srv.baseURL()+"/v1/channels", key); code != http.StatusOK {
			t.Fatalf("before the deletion: %d", code)
		}
	}

	// Without --yes nothing happens.
	if r := reach(t, nil, "tenants", "delete", "acme", "--database", db); r.code == 0 || !strings.Contains(r.stderr, "--yes") {
		t.Fatalf("delete without --yes: %s", r)
	}
	if code := authGet(t, srv.baseURL()+"/v1/channels", acme); code != http.StatusOK {
		t.Fatalf("after a refused delete: %d", code)
	}

	out := mustReach(t, nil, "tenants", "delete", "acme", "--yes", "--database", db).stdout
	if !strings.Contains(out, `deleted tenant "acme"`) || !strings.Contains(out, "revoked 2 keys") {
		t.Errorf("tenants delete: %q", out)
	}
	time.Sleep(testKeyCache) // the bound within which a key read is reused
	if code := authGet(t, srv.baseURL()+"/v1/channels", acme); code != http.StatusUnauthorized {
		t.Errorf("a key of the deleted tenant on the running server: %d, want 401", code)
	}
	if code := authGet(t, srv.baseURL()+"/v1/channels", globex); code != http.StatusOK {
		t.Errorf("another tenant's key: %d", code)
	}

	list = mustReach(t, nil, "tenants", "list", "--database", db).stdout
	if row := tenantRow(list, "acme"); len(row) != 5 || row[3] != "0" || row[4] == "-" {
		t.Errorf("acme after the deletion: %q\n%s", row, list)
	}
	if row := keyRow(t, mustReach(t, nil, "keys", "list", "--database", db).stdout, acmeID); row == nil || row[len(row)-1] == "-" {
		t.Errorf("acme's key after the deletion: %q, want revoked", row)
	}
	if r := reach(t, nil, "keys", "create", "--tenant", "acme", "--database", db); r.code == 0 || !strings.Contains(r.stderr, "was deleted") {
		t.Errorf("a key for the deleted tenant's name: %s", r)
	}
	if r := reach(t, nil, "tenants", "delete", "acme", "--yes", "--database", db); r.code == 0 || !strings.Contains(r.stderr, "was deleted at") {
		t.Errorf("deleting a deleted tenant again: %s", r)
	}
	if r := reach(t, nil, "tenants", "delete", "nope", "--yes", "--database", db); r.code == 0 || !strings.Contains(r.stderr, "not found") {
		t.Errorf("deleting an unknown tenant: %s", r)
	}
}
