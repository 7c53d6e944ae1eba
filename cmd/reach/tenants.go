package main

import (
	"errors"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
)

func tenantsCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "tenants", Short: "List and delete tenants"}
	cmd.AddCommand(tenantsListCmd(), tenantsDeleteCmd())
	return cmd
}

func tenantsListCmd() *cobra.Command {
	var db dbFlags
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List tenants, deleted ones too, with how many live keys each has",
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := db.openExisting(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			tenants, err := st.ListTenants(cmd.Context())
			if err != nil {
				return err
			}
			keys, err := st.ListAPIKeys(cmd.Context(), "")
			if err != nil {
				return err
			}
			live := map[string]int{}
			for _, k := range keys {
				if k.RevokeTime == nil {
					live[k.TenantID]++
				}
			}
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "ID\tNAME\tCREATED\tKEYS\tDELETED")
			for _, t := range tenants {
				fmt.Fprintf(w, "%s\t%s\t%s\t%d\t%s\n", t.ID, t.Name, t.CreateTime.Format(time.RFC3339), live[t.ID], fmtTime(t.DeleteTime))
			}
			return w.Flush()
		},
	}
	db.register(cmd)
	return cmd
}

func tenantsDeleteCmd() *cobra.Command {
	var (
		db  dbFlags
		yes bool
	)
	cmd := &cobra.Command{
		Use:   "delete NAME",
		Short: "Delete a tenant: revoke its keys and erase its data for good",
		Long: `Delete a tenant: every key of the tenant stops working (on every replica within its
--key-cache, 5 s by default), and its channels (with their credentials), templates,
subscriptions, messages, message timelines and send requests are erased in one
transaction. The tenant's name, id and keys stay on record as revoked (a tombstone): the
name cannot be used again.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			name := args[0]
			st, err := db.openExisting(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			t, err := st.GetTenantByName(cmd.Context(), name)
			if err != nil {
				return fmt.Errorf("tenant %q: %w", name, err)
			}
			if t.DeleteTime != nil {
				return fmt.Errorf("tenant %q was deleted at %s already", name, t.DeleteTime.UTC().Format(time.RFC3339))
			}
			if !yes {
				return errors.New("deleting a tenant erases its data for good: run again with --yes")
			}
			revoked, err := st.DeleteTenant(cmd.Context(), t.ID, time.Now().UTC())
			if err != nil {
				return fmt.Errorf("delete tenant %q: %w", name, err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "deleted tenant %q (%s): revoked %d keys, erased its data\n", name, t.ID, revoked)
			return nil
		},
	}
	db.register(cmd)
	cmd.Flags().BoolVar(&yes, "yes", false, "confirm: the tenant's data cannot be recovered")
	notSettings(cmd, "yes") // a confirmation is typed, never configured
	return cmd
}
