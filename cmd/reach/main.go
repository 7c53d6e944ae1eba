// Command reach is the Reach service binary: it serves the API, migrates the database and
// manages tenants and API keys. main only wires the subcommands together.
package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"
)

func main() {
	if err := newRootCmd().Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "reach:", err)
		os.Exit(1)
	}
}

// newRootCmd is the whole command tree. Before any command runs, the settings its flags
// did not get on the command line come from the environment and the configuration file.
func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:           "reach",
		Short:         "Reach lets a business message its Alipay users",
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			if cmd.Annotations[annOwnSettings] != "" {
				return nil
			}
			_, err := applySettings(cmd)
			return err
		},
	}
	root.PersistentFlags().String("config", "", "configuration `FILE`, YAML: every setting under its flag name (env "+configEnv+"); see reach config print")
	notSettings(root, "config")
	root.AddCommand(serveCmd(), dispatchCmd(), migrateCmd(), keysCmd(), tenantsCmd(), secretsCmd(), alipaySimCmd(), demoCmd(), versionCmd(), configCmd())
	return root
}
