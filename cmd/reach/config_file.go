package main

// The configuration file: a YAML mapping of setting keys to values, read with go.yaml.in's
// yaml/v3 (the YAML organisation's maintained continuation of gopkg.in/yaml.v3) as nodes,
// so every error can name the file, the line and the key.

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/spf13/pflag"
	"go.yaml.in/yaml/v3"
)

// refusedKeys are keys a configuration file may not hold, with the reason.
var refusedKeys = map[string]string{
	// The ring decrypts every stored credential, and configuration files get committed,
	// copied and shared; a key file keeps it apart, with its own permissions.
	"secret-keys": "the inline key ring is not read from a configuration file, which gets committed and shared: " +
		"put it in a key file (secret-key-file: PATH, mode 0600) or in " + secretKeysEnv,
	"config": "a configuration file cannot name another one",
}

// fileValue is one setting of the file.
type fileValue struct {
	value string // a list is joined with commas, as the comma-separated flags take it
	line  int
}

// configFile is a loaded, checked configuration file.
type configFile struct {
	path   string
	values map[string]fileValue
	// secrets are the keys whose values config print would hide: the file then wants
	// the permissions of a key file.
	secrets []string
}

// readConfigFile reads path and checks that every key is one of known.
func readConfigFile(path string, known map[string]*pflag.Flag) (*configFile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config file: %w", err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("config file %s: %w", path, err)
	}
	cf := &configFile{path: path, values: map[string]fileValue{}}
	if len(doc.Content) == 0 {
		return cf, nil // empty: every setting keeps its default
	}
	m := doc.Content[0]
	if m.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s:%d: want a mapping of settings (key: value)", path, m.Line)
	}
	var errs []error
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		fail := func(format string, a ...any) {
			errs = append(errs, fmt.Errorf("%s:%d: %s: %s", path, k.Line, k.Value, fmt.Sprintf(format, a...)))
		}
		if prev, dup := cf.values[k.Value]; dup {
			fail("set twice (first on line %d)", prev.line)
			continue
		}
		if why, refused := refusedKeys[k.Value]; refused {
			fail("%s", why)
			continue
		}
		if _, ok := known[k.Value]; !ok {
			fail("unknown setting%s", suggestion(k.Value, known))
			continue
		}
		value, err := scalarText(v)
		if err != nil {
			fail("%v", err)
			continue
		}
		cf.values[k.Value] = fileValue{value: value, line: k.Line}
		if _, hidden := redactValue(known[k.Value], value); hidden {
			cf.secrets = append(cf.secrets, k.Value)
		}
	}
	return cf, errors.Join(errs...)
}

// scalarText is a value node as the text a flag parses: a scalar as written, null as
// empty, a list of scalars joined with commas.
func scalarText(v *yaml.Node) (string, error) {
	if v.Kind == yaml.AliasNode {
		v = v.Alias
	}
	switch v.Kind {
	case yaml.ScalarNode:
		if v.Tag == "!!null" {
			return "", nil
		}
		return v.Value, nil
	case yaml.SequenceNode:
		items := make([]string, 0, len(v.Content))
		for _, it := range v.Content {
			if it.Kind != yaml.ScalarNode {
				return "", errors.New("want a value or a list of values")
			}
			items = append(items, it.Value)
		}
		return strings.Join(items, ","), nil
	}
	return "", errors.New("want a value or a list of values, not a mapping")
}

// suggestion is ` (did you mean "x"?)` for the known key closest to key, when it is close.
func suggestion(key string, known map[string]*pflag.Flag) string {
	best, bestDist := "", len(key)/3+1 // more edits than a third of the key: no guess
	keys := make([]string, 0, len(known))
	for k := range known {
		keys = append(keys, k)
	}
	slices.Sort(keys) // ties go to the first in order, the same every run
	for _, k := range keys {
		if d := editDistance(key, k); d < bestDist {
			best, bestDist = k, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// exposure is a warning when the file holds a secret that other users can read, or "".
func (cf *configFile) exposure() string {
	info, err := os.Stat(cf.path)
	if err != nil || len(cf.secrets) == 0 || info.Mode().Perm()&0o077 == 0 {
		return ""
	}
	return fmt.Sprintf("warning: %s holds secrets (%s) and other users may read it (mode %04o): chmod 600 %[1]s",
		cf.path, strings.Join(cf.secrets, ", "), info.Mode().Perm())
}
