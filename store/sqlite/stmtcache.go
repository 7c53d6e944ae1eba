package sqlite

import (
	"container/list"
	"context"
	"database/sql/driver"
	"reflect"
)

// The store runs the same few statements over and over (the dispatcher's claim and
// completion, ingest's inserts), and SQLite spends a good part of a small statement's time
// compiling it. GORM's own statement cache does not help inside a transaction: a statement
// first prepared in a transaction belongs to it, and database/sql prepares it again in every
// later one. So each connection keeps its compiled statements here, below database/sql, where
// a transaction's statements run on the connection like any other.

// stmtsPerConn bounds each connection's cache; statements with IN lists of many lengths
// come and go, the hot ones stay.
const stmtsPerConn = 256

// cachingConnector opens connections that keep their prepared statements.
type cachingConnector struct{ driver.Connector }

func (c cachingConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return &cachingConn{Conn: conn, byQuery: map[string]*list.Element{}, lru: list.New()}, nil
}

// stmtConn is what the driver's connection offers and the cache forwards.
type stmtConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.Pinger
	driver.SessionResetter
	driver.Validator
}

// cachingConn holds only idle statements: a statement is taken out while it runs (and,
// for a query, until its rows are closed), so a second use of the same text meanwhile
// prepares its own. database/sql uses a connection from one goroutine at a time.
type cachingConn struct {
	driver.Conn
	byQuery map[string]*list.Element // query → element of lru holding a *cached
	lru     *list.List               // front: most recently used
}

type cached struct {
	query string
	stmt  driver.Stmt
}

var (
	_ driver.ExecerContext  = (*cachingConn)(nil)
	_ driver.QueryerContext = (*cachingConn)(nil)
	_ stmtConn              = (*cachingConn)(nil)
)

// take returns an idle compiled statement for query, compiling one if there is none.
func (c *cachingConn) take(ctx context.Context, query string) (driver.Stmt, error) {
	if e, ok := c.byQuery[query]; ok {
		delete(c.byQuery, query)
		return c.lru.Remove(e).(*cached).stmt, nil
	}
	return c.inner().PrepareContext(ctx, query)
}

// give puts a statement back as idle, closing the least recently used beyond the bound
// (or this one, when the same text was compiled again meanwhile).
func (c *cachingConn) give(query string, s driver.Stmt) {
	if _, ok := c.byQuery[query]; ok {
		_ = s.Close()
		return
	}
	c.byQuery[query] = c.lru.PushFront(&cached{query: query, stmt: s})
	for c.lru.Len() > stmtsPerConn {
		old := c.lru.Remove(c.lru.Back()).(*cached)
		delete(c.byQuery, old.query)
		_ = old.stmt.Close()
	}
}

func (c *cachingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	s, err := c.take(ctx, query)
	if err != nil {
		return nil, err
	}
	res, err := s.(driver.StmtExecContext).ExecContext(ctx, args)
	c.give(query, s) // the driver resets a statement after each run, failed or not
	return res, err
}

func (c *cachingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	s, err := c.take(ctx, query)
	if err != nil {
		return nil, err
	}
	rows, err := s.(driver.StmtQueryContext).QueryContext(ctx, args)
	if err != nil {
		c.give(query, s)
		return nil, err
	}
	return &cachedRows{Rows: rows, done: func() { c.give(query, s) }}, nil
}

func (c *cachingConn) Close() error {
	for e := c.lru.Front(); e != nil; e = e.Next() {
		_ = e.Value.(*cached).stmt.Close()
	}
	c.lru.Init()
	clear(c.byQuery)
	return c.Conn.Close()
}

func (c *cachingConn) inner() stmtConn { return c.Conn.(stmtConn) }

func (c *cachingConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	return c.inner().BeginTx(ctx, opts)
}

func (c *cachingConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	return c.inner().PrepareContext(ctx, query)
}

func (c *cachingConn) Ping(ctx context.Context) error { return c.inner().Ping(ctx) }

func (c *cachingConn) ResetSession(ctx context.Context) error { return c.inner().ResetSession(ctx) }

func (c *cachingConn) IsValid() bool { return c.inner().IsValid() }

// cachedRows gives its statement back when closed, and passes on what the driver says of
// its columns (GORM reads the column types).
type cachedRows struct {
	driver.Rows
	done func()
}

func (r *cachedRows) Close() error {
	err := r.Rows.Close()
	if r.done != nil {
		r.done()
		r.done = nil
	}
	return err
}

func (r *cachedRows) ColumnTypeDatabaseTypeName(i int) string {
	if t, ok := r.Rows.(driver.RowsColumnTypeDatabaseTypeName); ok {
		return t.ColumnTypeDatabaseTypeName(i)
	}
	return ""
}

func (r *cachedRows) ColumnTypeScanType(i int) reflect.Type {
	if t, ok := r.Rows.(driver.RowsColumnTypeScanType); ok {
		return t.ColumnTypeScanType(i)
	}
	return reflect.TypeFor[any]()
}

func (r *cachedRows) ColumnTypeNullable(i int) (nullable, ok bool) {
	if t, ok := r.Rows.(driver.RowsColumnTypeNullable); ok {
		return t.ColumnTypeNullable(i)
	}
	return false, false
}

func (r *cachedRows) ColumnTypeLength(i int) (int64, bool) {
	if t, ok := r.Rows.(driver.RowsColumnTypeLength); ok {
		return t.ColumnTypeLength(i)
	}
	return 0, false
}

func (r *cachedRows) ColumnTypePrecisionScale(i int) (precision, scale int64, ok bool) {
	if t, ok := r.Rows.(driver.RowsColumnTypePrecisionScale); ok {
		return t.ColumnTypePrecisionScale(i)
	}
	return 0, 0, false
}
