package main

// `reach config print`: the settings a command would run with, as a configuration file
// that can be fed back, each value commented with where it came from. Secrets are hidden:
// this output is meant to be pasted into tickets and chats.

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"go.yaml.in/yaml/v3"

	"github.com/reachhq/reach/store/backend"
)

func configCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "config", Short: "Show the configuration a command runs with"}
	cmd.AddCommand(configPrintCmd())
	return cmd
}

func configPrintCmd() *cobra.Command {
	var target string
	cmd := &cobra.Command{
		Use:   "print [-- FLAGS OF THE COMMAND]",
		Short: "Print the effective settings of a command as YAML, with where each value came from",
		Long: `Print the settings a command would run with — built-in defaults, then the configuration
file (--config or REACH_CONFIG), then REACH_* environment variables, then the command's own
flags given after -- — as a YAML file that --config accepts, each value followed by its
source. Passwords in database URLs and secret-looking settings are redacted.

  reach --config reach.yaml config print
  reach config print --for dispatch -- --lease 2m`,
		Annotations: map[string]string{annOwnSettings: "true"},
		RunE: func(cmd *cobra.Command, args []string) error {
			sub, err := findCommand(cmd.Root(), target)
			if err != nil {
				return err
			}
			if err := sub.ParseFlags(args); err != nil {
				return fmt.Errorf("flags of %s: %w", sub.CommandPath(), err)
			}
			origins, err := applySettings(sub)
			if err != nil {
				return err
			}
			out, err := renderSettings(sub, origins)
			if err != nil {
				return err
			}
			_, err = cmd.OutOrStdout().Write(out)
			return err
		},
	}
	cmd.Flags().StringVar(&target, "for", "serve", `the command whose settings to print, such as dispatch or "keys create"`)
	notSettings(cmd, "for")
	return cmd
}

// findCommand is the command at path ("keys create") under root.
func findCommand(root *cobra.Command, path string) (*cobra.Command, error) {
	sub, rest, err := root.Find(strings.Fields(path))
	if err != nil || len(rest) != 0 || sub == root || strings.TrimSpace(path) == "" {
		return nil, fmt.Errorf("--for %q: no such command", path)
	}
	return sub, nil
}

// renderSettings writes cmd's settings as a YAML mapping in flag order.
func renderSettings(cmd *cobra.Command, origins map[string]origin) ([]byte, error) {
	doc := &yaml.Node{Kind: yaml.MappingNode}
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		o, ok := origins[f.Name]
		if !ok {
			return // not a setting
		}
		value, hidden := redact(f)
		comment := o.String()
		if hidden {
			comment += " (redacted)"
		}
		doc.Content = append(doc.Content,
			&yaml.Node{Kind: yaml.ScalarNode, Value: settingKey(f)},
			&yaml.Node{Kind: yaml.ScalarNode, Tag: yamlTag(f), Value: value, LineComment: comment})
	})
	doc.HeadComment = fmt.Sprintf("Settings of `%s`, from defaults < file < env < flag.", cmd.CommandPath())
	if cmd.Flags().Lookup("secret-key-file") != nil && envSet(secretKeysEnv) {
		doc.FootComment = "The key ring is inline in " + secretKeysEnv + " (not shown)."
	}
	var b strings.Builder
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	return []byte(b.String()), enc.Close()
}

// yamlTag quotes a string setting's value where YAML would read it as another type
// ("false", "10"); other values are written plain, as their flag parses them back.
func yamlTag(f *pflag.Flag) string {
	if f.Value.Type() == "string" {
		return "!!str"
	}
	return ""
}

// secretName matches setting names whose whole value is a secret (none of today's, but
// flags added later — an exporter's auth headers, say — are hidden without a change here).
var secretName = regexp.MustCompile(`(^|-)(password|passwd|secret|token|headers?|credentials?|keys?)$`)

// redact is f's value fit to show, and whether anything was hidden.
func redact(f *pflag.Flag) (string, bool) {
	return redactValue(f, f.Value.String())
}

// redactValue hides a secret's whole value, or the password inside a URL or connection
// string of any string setting.
func redactValue(f *pflag.Flag, v string) (string, bool) {
	if v == "" {
		return v, false
	}
	if secretName.MatchString(f.Name) {
		return "REDACTED", true
	}
	if f.Value.Type() == "string" {
		if r := backend.Redact(v); r != v {
			return r, true
		}
	}
	return v, false
}
