package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/reachhq/reach/store/backend"
)

var errSchemaOld = errors.New("the database schema is older than this binary: run `reach migrate --database …` first")

func migrateCmd() *cobra.Command {
	var db dbFlags
	cmd := &cobra.Command{
		Use:   "migrate",
		Short: "Apply the embedded database migrations",
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := db.open(cmd.Context(), true)
			if err != nil {
				return err
			}
			defer st.Close()
			fmt.Fprintf(cmd.OutOrStdout(), "database %s is at the current schema\n", backend.Redact(db.database))
			return nil
		},
	}
	db.register(cmd)
	return cmd
}
