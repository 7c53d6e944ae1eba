package main

import (
	"fmt"
	"log/slog"
	"os"

	"github.com/spf13/cobra"

	"github.com/reachhq/reach/store"
)

func secretsCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "secrets", Short: "Manage the key ring that encrypts credentials at rest"}
	cmd.AddCommand(reencryptCmd())
	return cmd
}

// reencryptCmd rotates the key ring: after a new key is put first, every stored secret is
// re-encrypted under it, and the old key can then be removed.
func reencryptCmd() *cobra.Command {
	var (
		db   dbFlags
		keys keyFlags
	)
	cmd := &cobra.Command{
		Use:   "reencrypt",
		Short: "Re-encrypt every stored secret under the first key of the ring",
		RunE: func(cmd *cobra.Command, _ []string) error {
			log := slog.New(slog.NewTextHandler(os.Stderr, nil))
			ring, err := keys.load(db.database, log, false)
			if err != nil {
				return err
			}
			st, err := db.open(cmd.Context(), isSQLite(db.database))
			if err != nil {
				return err
			}
			defer st.Close()
			n, err := st.ReencryptSecrets(cmd.Context(), func(ref store.SecretRef, c []byte) ([]byte, error) {
				out, _, err := ring.Reseal(c, ref.AssociatedData())
				return out, err
			})
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "re-encrypted %d secrets under key %s\n", n, ring.PrimaryID())
			return nil
		},
	}
	db.register(cmd)
	keys.register(cmd)
	return cmd
}
