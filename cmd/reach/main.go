// Command reach is the Reach service binary: it serves the API, migrates the database and
// manages tenants and API keys. main only wires the subcommands together.
package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"
)

func main() {
	root := &cobra.Command{
		Use:           "reach",
		Short:         "Reach lets a business message its Alipay users",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(serveCmd(), dispatchCmd(), migrateCmd(), keysCmd(), tenantsCmd(), secretsCmd(), alipaySimCmd(), demoCmd(), versionCmd())
	if err := root.Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "reach:", err)
		os.Exit(1)
	}
}
