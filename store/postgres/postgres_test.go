package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx" for the admin connection

	"github.com/reachhq/reach/store"
	"github.com/reachhq/reach/store/gormstore"
	"github.com/reachhq/reach/store/storetest"
)

const defaultTestDSN = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// testServer returns the DSN of the test server and an admin connection to it, or ends the
// test (skip locally, fail in CI) when the server cannot be reached.
func testServer(t *testing.T) (string, *sql.DB) {
	t.Helper()
	dsn := os.Getenv("REACH_TEST_POSTGRES")
	if dsn == "" {
		dsn = defaultTestDSN
	}
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = admin.Close() })
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	if err := admin.PingContext(ctx); err != nil {
		storetest.Unavailable(t, "postgres at %s: %v", redact(dsn), err)
	}
	return dsn, admin
}

// newSchemaStore creates a schema of its own, opens a store confined to it through
// search_path, migrates it with the real migrations and drops it when the test ends.
func newSchemaStore(t *testing.T, dsn string, admin *sql.DB, opts ...gormstore.Options) *Store {
	t.Helper()
	schema := "reach_test_" + uuid.NewString()[:8]
	if _, err := admin.ExecContext(t.Context(), "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if _, err := admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	s, err := Open(u.String(), append(opts, gormstore.Options{})[0])
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() }) // runs before the schema is dropped
	if err := s.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestConformance(t *testing.T) {
	dsn, admin := testServer(t)
	storetest.Run(t, func(t *testing.T) store.Store { return newSchemaStore(t, dsn, admin) })
}

func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return fmt.Sprintf("<unparseable dsn: %d bytes>", len(dsn))
	}
	return u.Redacted()
}

func TestGroupCommit(t *testing.T) {
	dsn, admin := testServer(t)
	storetest.RunGroupCommit(t, func(t *testing.T) store.Store {
		return newSchemaStore(t, dsn, admin, gormstore.Options{Ingest: storetest.GatherAll})
	})
}

func TestOrphanKeyMigration(t *testing.T) {
	s, err := Open(storetest.SharedDatabase(t, "postgres"), gormstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	storetest.OrphanKeyMigration(t, s.Store)
}

// Every connection of the store plans each execution afresh (see planCacheMode): a
// generic plan chosen on a new, empty table would scan a tenant's every row per lookup.
func TestConnectionsUseCustomPlans(t *testing.T) {
	dsn, admin := testServer(t)
	s := newSchemaStore(t, dsn, admin)
	var mode string
	if err := s.DB().QueryRowContext(t.Context(), "SHOW plan_cache_mode").Scan(&mode); err != nil {
		t.Fatal(err)
	}
	if mode != planCacheMode {
		t.Fatalf("plan_cache_mode is %q, want %q", mode, planCacheMode)
	}
}

// Group commit's statement runs on connections of its own that keep a generic plan (see
// groupPlanCacheMode), while the store's other connections plan every execution.
func TestGroupStatementKeepsAGenericPlan(t *testing.T) {
	dsn, admin := testServer(t)
	s := newSchemaStore(t, dsn, admin, gormstore.Options{Ingest: storetest.GatherAll})
	ctx := t.Context()
	tenant, err := s.EnsureTenant(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	// Rounds of ten concurrent sends of one message, each round one group (one writer that
	// gathers for a while), as under load. For groups of a single call PostgreSQL may keep
	// planning each execution, which is then cheap enough not to matter.
	for round := range 8 {
		var wg sync.WaitGroup
		for i := range 10 {
			wg.Go(func() {
				m := &store.Message{ID: fmt.Sprintf("m%d-%d", round, i), ChannelID: "c", TemplateID: "tp", State: "QUEUED",
					Recipient: store.UserRef{Kind: "USER_ID", ID: "2088000000000001"}}
				if _, _, _, err := s.CreateMessages(ctx, tenant.ID, fmt.Sprintf("r%d-%d", round, i), "h", []*store.Message{m}); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
	}
	var generic, custom int64
	if err := s.groupDB.QueryRowContext(ctx, `SELECT COALESCE(SUM(generic_plans), 0), COALESCE(SUM(custom_plans), 0)
		FROM pg_prepared_statements WHERE statement LIKE 'WITH calls AS%'`).Scan(&generic, &custom); err != nil {
		t.Fatal(err)
	}
	if generic == 0 {
		t.Fatalf("the group statement ran with %d custom plans and no generic one", custom)
	}
}
