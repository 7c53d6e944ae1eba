package main

// Settings. Every flag of every command is also a setting: a key of the configuration file
// and an environment variable, both named after the flag by one rule, so a flag added later
// is settable everywhere without touching this code. A command line value beats the
// environment, which beats the file, which beats the built-in default (config_load.go).
// A flag opts out with notSettings when it names what one run acts on rather than how the
// process runs.

import (
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// envPrefix starts every environment variable of Reach.
const envPrefix = "REACH_"

// Flag annotations the settings read.
const (
	// annEnv holds a flag's environment variable where it departs from the rule; the
	// file key follows the variable, so two commands' flags of one name can differ.
	annEnv = "reach-env"
	// annNotSetting marks a flag only the command line may set.
	annNotSetting = "reach-not-setting"
	// annOwnSettings marks a command that applies settings itself (config print, to
	// another command's flags), so the root does not apply them to it first.
	annOwnSettings = "reach-own-settings"
	// annAddr marks a host:port listen address, checked before anything listens.
	annAddr = "reach-addr"
)

// configEnv selects the configuration file when --config is not given.
const configEnv = envPrefix + "CONFIG"

// secretKeysEnv holds the key ring inline. It is no flag: a flag's value shows in ps.
const secretKeysEnv = envPrefix + "SECRET_KEYS"

// envName is the environment variable of f: REACH_ and the flag name in upper snake case
// (--shutdown-timeout: REACH_SHUTDOWN_TIMEOUT), unless annEnv names another.
func envName(f *pflag.Flag) string {
	if v := f.Annotations[annEnv]; len(v) == 1 {
		return v[0]
	}
	return envPrefix + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
}

// settingKey is f's key in the configuration file: its environment variable without
// REACH_, in lower kebab case, which is the flag name wherever the rule holds.
func settingKey(f *pflag.Flag) string {
	return strings.ToLower(strings.ReplaceAll(strings.TrimPrefix(envName(f), envPrefix), "_", "-"))
}

// isSetting reports whether the file and the environment may set f.
func isSetting(f *pflag.Flag) bool {
	return f.Name != "help" && f.Annotations[annNotSetting] == nil
}

// withEnv gives cmd's flag name the environment variable env instead of the rule's, for a
// flag that shares its name with another command's flag of another meaning.
func withEnv(cmd *cobra.Command, name, env string) {
	mustAnnotate(cmd, name, annEnv, env)
}

// notSettings marks flags that name what one run acts on (a tenant, a confirmation, an
// output directory): a file or a variable left in the environment must not choose them.
func notSettings(cmd *cobra.Command, names ...string) {
	for _, n := range names {
		mustAnnotate(cmd, n, annNotSetting, "true")
	}
}

// addrSettings marks listen addresses, whose form is checked wherever they come from.
func addrSettings(cmd *cobra.Command, names ...string) {
	for _, n := range names {
		mustAnnotate(cmd, n, annAddr, "true")
	}
}

// mustAnnotate panics on a flag name that does not exist: a typo in the wiring.
func mustAnnotate(cmd *cobra.Command, name, key, value string) {
	fs := cmd.Flags()
	if fs.Lookup(name) == nil {
		fs = cmd.PersistentFlags()
	}
	if err := fs.SetAnnotation(name, key, []string{value}); err != nil {
		panic(err)
	}
}

// knownSettings maps every setting key of every command under root to one of its flags,
// so a file can be checked for keys no command knows.
func knownSettings(root *cobra.Command) map[string]*pflag.Flag {
	known := map[string]*pflag.Flag{}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for _, fs := range []*pflag.FlagSet{c.Flags(), c.PersistentFlags()} {
			fs.VisitAll(func(f *pflag.Flag) {
				if isSetting(f) {
					known[settingKey(f)] = f
				}
			})
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	return known
}
