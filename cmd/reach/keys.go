package main

import (
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/reachhq/reach/internal/apikey"
	"github.com/reachhq/reach/store"
)

func keysCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "keys", Short: "Manage API keys"}
	cmd.AddCommand(keysCreateCmd(), keysListCmd(), keysRevokeCmd())
	return cmd
}

func keysCreateCmd() *cobra.Command {
	var (
		db     dbFlags
		tenant string
		role   string
	)
	cmd := &cobra.Command{
		Use:   "create",
		Short: "Create an API key; the key is printed once, alone on the last line",
		RunE: func(cmd *cobra.Command, _ []string) error {
			r := store.Role(role)
			if r != store.RoleAdmin && r != store.RoleSender && r != store.RoleViewer {
				return fmt.Errorf("--role must be admin, sender or viewer")
			}
			if tenant == "" || len(tenant) > 100 {
				return fmt.Errorf("--tenant is required (at most 100 characters)")
			}
			if !store.TenantNameOK(tenant) {
				return fmt.Errorf("--tenant must be UTF-8 without control characters")
			}
			st, err := db.open(cmd.Context(), isSQLite(db.database))
			if err != nil {
				return err
			}
			defer st.Close()
			t, err := st.EnsureTenant(cmd.Context(), tenant)
			if errors.Is(err, store.ErrDeleted) {
				return fmt.Errorf("tenant %q was deleted; its name cannot be used again", tenant)
			}
			if err != nil {
				return err
			}
			token, id, hash, err := apikey.New()
			if err != nil {
				return err
			}
			if err := st.CreateAPIKey(cmd.Context(), &store.APIKey{ID: id, TenantID: t.ID, Role: r, Hash: hash, CreateTime: time.Now().UTC()}); err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "created %s key %s for tenant %q; it is shown only now:\n", r, id, tenant)
			fmt.Fprintln(out, token)
			return nil
		},
	}
	db.register(cmd)
	cmd.Flags().StringVar(&tenant, "tenant", "", "tenant name (created if new)")
	cmd.Flags().StringVar(&role, "role", "admin", "admin, sender or viewer")
	notSettings(cmd, "tenant", "role")
	return cmd
}

func keysListCmd() *cobra.Command {
	var (
		db     dbFlags
		tenant string
	)
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List API keys (never the secrets)",
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := db.openExisting(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			tenantID := ""
			if tenant != "" {
				t, err := st.GetTenantByName(cmd.Context(), tenant)
				if err != nil {
					return fmt.Errorf("tenant %q: %w", tenant, err)
				}
				tenantID = t.ID
			}
			keys, err := st.ListAPIKeys(cmd.Context(), tenantID)
			if err != nil {
				return err
			}
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "ID\tTENANT\tROLE\tCREATED\tLAST USED\tREVOKED")
			for _, k := range keys {
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", k.ID, k.TenantID, k.Role, k.CreateTime.Format(time.RFC3339), fmtTime(k.LastUsed), fmtTime(k.RevokeTime))
			}
			return w.Flush()
		},
	}
	db.register(cmd)
	cmd.Flags().StringVar(&tenant, "tenant", "", "only this tenant's keys")
	notSettings(cmd, "tenant")
	return cmd
}

func keysRevokeCmd() *cobra.Command {
	var db dbFlags
	cmd := &cobra.Command{
		Use:   "revoke KEY_ID",
		Short: "Revoke an API key: every replica refuses it within its --key-cache (5 s)",
		Long: "Revoke an API key by its id (the ID column of keys list). A whole key pasted instead is " +
			"taken by its id, and its secret is never printed.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id := args[0]
			if kid, _, err := apikey.Parse(id); err == nil {
				id = kid // a whole key: its id, and nothing of the secret in what follows
			} else if strings.HasPrefix(id, apikey.Prefix) {
				return errors.New("that looks like a key but is not one; give the key's id (keys list)")
			}
			st, err := db.openExisting(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			if err := st.RevokeAPIKey(cmd.Context(), id, time.Now().UTC()); err != nil {
				return fmt.Errorf("key %s: %w", id, err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "revoked key %s\n", id)
			return nil
		},
	}
	db.register(cmd)
	return cmd
}

func fmtTime(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.Format(time.RFC3339)
}
