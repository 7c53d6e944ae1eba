package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/reachhq/reach/internal/buildinfo"
)

func versionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version, commit, commit time and Go version",
		Long: "Prints what the binary recorded when it was built: the version (a release build's " +
			"-ldflags -X override, else the module version), the commit (\"+dirty\" when the work " +
			"tree had changes), the commit's time and the Go version.",
		Run: func(cmd *cobra.Command, _ []string) {
			info := buildinfo.Read()
			fmt.Fprintf(cmd.OutOrStdout(), "reach %s\ncommit:      %s\ncommit time: %s\ngo:          %s\n",
				info.Version, info.Revision, info.Time, info.GoVersion)
		},
	}
}
