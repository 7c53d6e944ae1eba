package main

// Applying the settings to a command's flags after the command line is parsed. The flags
// hold the built-in defaults and whatever the command line gave; for every other flag the
// environment wins over the file. Values go through the flag's own parser, so a setting
// has the same syntax in all three places, and a malformed one is an error naming where it
// came from.

import (
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// origin is where a setting's value came from.
type origin struct {
	layer string // "default", "file", "env" or "flag"
	where string // the file, the variable or the flag
}

func (o origin) String() string {
	if o.where == "" {
		return o.layer
	}
	return o.layer + " " + o.where
}

// configFileOf reads the configuration file cmd should use — --config, else REACH_CONFIG,
// else none (nil) — and checks its keys against every command of the tree.
func configFileOf(cmd *cobra.Command) (*configFile, error) {
	path := os.Getenv(configEnv)
	// The root's own flag: alipay-sim has a --config of its own (the simulator's file).
	if f := cmd.Root().PersistentFlags().Lookup("config"); f != nil && f.Changed {
		path = f.Value.String()
	}
	if path == "" {
		return nil, nil
	}
	return readConfigFile(path, knownSettings(cmd.Root()))
}

// applySettings sets each of cmd's flags that the command line left alone from the
// environment or the file, and returns where every setting's value came from.
func applySettings(cmd *cobra.Command) (map[string]origin, error) {
	// A command without settings (version, help, demo) needs no file: a broken one must
	// not stop it.
	hasSettings := false
	cmd.Flags().VisitAll(func(f *pflag.Flag) { hasSettings = hasSettings || isSetting(f) })
	if !hasSettings {
		return map[string]origin{}, nil
	}
	// A file with bad keys still has its good ones checked, so one run shows every error.
	file, fileErr := configFileOf(cmd)
	if file == nil && fileErr != nil {
		return nil, fileErr
	}
	if file != nil {
		if w := file.exposure(); w != "" {
			fmt.Fprintln(cmd.ErrOrStderr(), "reach:", w)
		}
	}
	origins := map[string]origin{}
	errs := []error{fileErr}
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if !isSetting(f) {
			return
		}
		o, err := applySetting(f, file)
		if err == nil && f.Annotations[annAddr] != nil {
			err = checkAddr(f.Value.String())
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", describe(f, o, file), err))
		}
		origins[f.Name] = o
	})
	return origins, errors.Join(errs...)
}

// applySetting gives f its value from the highest layer that has one. Value.Set, not
// FlagSet.Set: Changed keeps meaning "given on the command line".
func applySetting(f *pflag.Flag, file *configFile) (origin, error) {
	if f.Changed {
		return origin{layer: "flag", where: "--" + f.Name}, nil
	}
	if env := envName(f); envSet(env) {
		return origin{layer: "env", where: env}, setValue(f, os.Getenv(env))
	}
	if file != nil {
		if v, ok := file.values[settingKey(f)]; ok {
			return origin{layer: "file", where: file.path}, setValue(f, v.value)
		}
	}
	return origin{layer: "default"}, nil
}

// describe names where f's value came from, for an error: the variable, the file and
// line, or the flag, with the value.
func describe(f *pflag.Flag, o origin, file *configFile) string {
	v := f.Value.String()
	switch o.layer {
	case "env":
		return fmt.Sprintf("environment variable %s=%q", o.where, os.Getenv(o.where))
	case "file":
		fv := file.values[settingKey(f)]
		return fmt.Sprintf("%s:%d: %s: %q", file.path, fv.line, settingKey(f), fv.value)
	case "flag":
		return fmt.Sprintf("--%s %q", f.Name, v)
	}
	return fmt.Sprintf("default of --%s %q", f.Name, v)
}

// setValue parses s into f, with an error that says what the flag wants.
func setValue(f *pflag.Flag, s string) error {
	err := f.Value.Set(s)
	if err == nil {
		return nil
	}
	if errors.Is(err, strconv.ErrRange) {
		return errors.New("out of range")
	}
	switch f.Value.Type() {
	case "duration":
		return errors.New("not a duration (such as 30s, 2m or 1h30m)")
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64":
		return errors.New("not a whole number")
	case "float32", "float64":
		return errors.New("not a number")
	case "bool":
		return errors.New("not true or false")
	}
	return err
}

// checkAddr accepts host:port (host may be empty: every interface), or empty: off.
func checkAddr(s string) error {
	if s == "" {
		return nil
	}
	_, port, err := net.SplitHostPort(s)
	if err != nil {
		return errors.New("not a host:port address (such as 127.0.0.1:8080 or :8080)")
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return errors.New("not a host:port address: the port must be a number from 0 to 65535")
	}
	return nil
}

// envSet reports whether the variable name has a value; an empty one counts as unset, as
// `REACH_X= reach serve` is meant.
func envSet(name string) bool {
	return os.Getenv(name) != ""
}
