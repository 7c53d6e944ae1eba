package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"testing"

	msqlite "modernc.org/sqlite"
)

// openCaching opens one connection to a fresh in-memory database through the cache.
func openCaching(t *testing.T) (*sql.DB, *sql.Conn) {
	t.Helper()
	connector, err := msqlite.NewConnector(":memory:")
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(cachingConnector{connector})
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { _ = db.Close() })
	conn, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	if _, err := conn.ExecContext(context.Background(), "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)"); err != nil {
		t.Fatal(err)
	}
	return db, conn
}

// cachedTexts is what the connection's cache holds, most recent first.
func cachedTexts(t *testing.T, conn *sql.Conn) []string {
	t.Helper()
	var out []string
	err := conn.Raw(func(dc any) error {
		c := dc.(*cachingConn)
		if len(c.byQuery) != c.lru.Len() {
			return fmt.Errorf("index holds %d, list %d", len(c.byQuery), c.lru.Len())
		}
		for e := c.lru.Front(); e != nil; e = e.Next() {
			out = append(out, e.Value.(*cached).query)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestStatementsAreKeptAcrossTransactions(t *testing.T) {
	ctx := context.Background()
	_, conn := openCaching(t)
	const insert = "INSERT INTO t (id, v) VALUES (?, ?)"
	for i := range 3 {
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.ExecContext(ctx, insert, i, "x"); err != nil {
			t.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
	}
	// A failed run (a duplicate key) leaves the statement usable.
	if _, err := conn.ExecContext(ctx, insert, 0, "again"); err == nil {
		t.Fatal("duplicate id accepted")
	}
	if _, err := conn.ExecContext(ctx, insert, 3, "y"); err != nil {
		t.Fatal(err)
	}
	if got := cachedTexts(t, conn); len(got) != 2 || got[0] != insert {
		t.Fatalf("cache holds %q, want the insert once and the CREATE", got)
	}
	var n int
	if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM t").Scan(&n); err != nil || n != 4 {
		t.Fatalf("count = %d, %v; want 4", n, err)
	}
}

// A query whose rows are still open has its statement out of the cache: running the same
// text meanwhile (database/sql allows it on one connection) compiles a second statement
// instead of resetting the first under the open rows.
func TestSameQueryWhileRowsAreOpen(t *testing.T) {
	ctx := context.Background()
	_, conn := openCaching(t)
	for i := range 5 {
		if _, err := conn.ExecContext(ctx, "INSERT INTO t (id, v) VALUES (?, ?)", i, fmt.Sprint("v", i)); err != nil {
			t.Fatal(err)
		}
	}
	const q = "SELECT id, v FROM t WHERE id >= ? ORDER BY id"
	var first int
	if err := conn.QueryRowContext(ctx, q, 0).Scan(&first, new(string)); err != nil { // now cached
		t.Fatal(err)
	}
	outer, err := conn.QueryContext(ctx, q, 0)
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for outer.Next() {
		var id int
		var v string
		if err := outer.Scan(&id, &v); err != nil {
			t.Fatal(err)
		}
		if seen >= 5 || id != seen || v != fmt.Sprint("v", seen) {
			t.Fatalf("row %d = (%d, %q)", seen, id, v)
		}
		seen++
		var inner int
		if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM ("+q+")", id).Scan(&inner); err != nil {
			t.Fatal(err)
		}
		if inner != 5-id {
			t.Fatalf("inner count from %d = %d", id, inner)
		}
		rows, err := conn.QueryContext(ctx, q, 4)
		if err != nil {
			t.Fatal(err)
		}
		if !rows.Next() {
			t.Fatal("same text while open: no row")
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if err := outer.Close(); err != nil {
		t.Fatal(err)
	}
	if seen != 5 {
		t.Fatalf("outer query saw %d rows, want 5", seen)
	}
	texts := cachedTexts(t, conn)
	count := 0
	for _, s := range texts {
		if s == q {
			count++
		}
	}
	if count != 1 {
		t.Fatalf("the query is cached %d times, want once: %q", count, texts)
	}
}

func TestCacheIsBounded(t *testing.T) {
	ctx := context.Background()
	_, conn := openCaching(t)
	for i := range stmtsPerConn + 50 {
		if _, err := conn.ExecContext(ctx, fmt.Sprintf("SELECT %d", i)); err != nil {
			t.Fatal(err)
		}
	}
	got := cachedTexts(t, conn)
	if len(got) != stmtsPerConn || got[0] != fmt.Sprintf("SELECT %d", stmtsPerConn+49) {
		t.Fatalf("cache holds %d (newest %q), want %d with the newest first", len(got), got[0], stmtsPerConn)
	}
}
