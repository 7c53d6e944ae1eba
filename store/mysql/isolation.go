package mysql

import (
	"context"
	"database/sql"
	"time"

	drv "github.com/go-sql-driver/mysql"
)

// Every transaction runs at READ COMMITTED. Asking for it per transaction (sql.TxOptions)
// makes the driver send SET TRANSACTION ISOLATION LEVEL before each START TRANSACTION: a
// round trip more for every transaction, a seventh of a group commit's. Setting it once
// per connection, as a session variable the driver sets when it connects, costs nothing
// per transaction. The variable's name depends on the server (MySQL 8 and MariaDB 11.1+:
// transaction_isolation; MariaDB before 11.1: tx_isolation only), so it is asked once.

// isolationVariables are the names of the session's isolation level, newest first.
var isolationVariables = []string{"transaction_isolation", "tx_isolation"}

// sessionReadCommitted sets cfg to open every connection at READ COMMITTED and reports
// whether it could; when it cannot tell which variable the server has (it is not reachable
// yet), the caller keeps asking per transaction.
func sessionReadCommitted(cfg *drv.Config) bool {
	probe := cfg.Clone()
	connector, err := drv.NewConnector(probe)
	if err != nil {
		return false
	}
	db := sql.OpenDB(connector)
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for _, name := range isolationVariables {
		var level string
		if err := db.QueryRowContext(ctx, "SELECT @@SESSION."+name).Scan(&level); err != nil {
			if ctx.Err() != nil {
				return false
			}
			continue // not this server's name
		}
		if cfg.Params == nil {
			cfg.Params = map[string]string{}
		}
		cfg.Params[name] = "'READ-COMMITTED'"
		return true
	}
	return false
}
