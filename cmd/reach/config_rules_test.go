package main

import (
	"regexp"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// exampleConfig is the documented example file, relative to this package.
const exampleConfig = "../../reach.example.yaml"

// TestExampleConfig: the example file names every setting of serve and dispatch, with the
// built-in default as its value, so it cannot drift from the flags.
func TestExampleConfig(t *testing.T) {
	root := newRootCmd()
	file, err := readConfigFile(exampleConfig, knownSettings(root))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"serve", "dispatch"} {
		cmd, err := findCommand(root, name)
		if err != nil {
			t.Fatal(err)
		}
		cmd.Flags().VisitAll(func(f *pflag.Flag) {
			if !isSetting(f) {
				return
			}
			key := settingKey(f)
			v, ok := file.values[key]
			if !ok {
				t.Errorf("%s has no %s (%s's --%s, default %q)", exampleConfig, key, name, f.Name, f.DefValue)
				return
			}
			if err := setValue(f, v.value); err != nil {
				t.Errorf("%s:%d: %s: %v", exampleConfig, v.line, key, err)
			} else if got := f.Value.String(); got != f.DefValue {
				t.Errorf("%s:%d: %s is %q; %s's default is %q", exampleConfig, v.line, key, got, name, f.DefValue)
			}
		})
	}
}

// envInUsage is the "(env REACH_X)" a flag's help names.
var envInUsage = regexp.MustCompile(`\(env (REACH_[A-Z0-9_]+)\)`)

// TestSettingNames: the environment variable a flag's help names is the one the settings
// read; the exceptions to the naming rule are these and no others; flags that share a
// file key share a type.
func TestSettingNames(t *testing.T) {
	exceptions := map[string]string{}
	types := map[string]string{}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		c.Flags().VisitAll(func(f *pflag.Flag) {
			if !isSetting(f) {
				return
			}
			where := c.CommandPath() + " --" + f.Name
			if m := envInUsage.FindStringSubmatch(f.Usage); m != nil && m[1] != envName(f) {
				t.Errorf("%s: help says %s, the settings read %s", where, m[1], envName(f))
			}
			if f.Annotations[annEnv] != nil {
				exceptions[where] = envName(f)
			}
			key := settingKey(f)
			if prev, ok := types[key]; ok && prev != f.Value.Type() {
				t.Errorf("%s: key %s is a %s here and a %s elsewhere", where, key, f.Value.Type(), prev)
			}
			types[key] = f.Value.Type()
		})
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(newRootCmd())
	want := map[string]string{
		"reach dispatch --http-addr": "REACH_DISPATCH_HTTP_ADDR",
		"reach alipay-sim --addr":    "REACH_SIM_ADDR",
		"reach alipay-sim --config":  "REACH_SIM_CONFIG",
	}
	if len(exceptions) != len(want) {
		t.Errorf("exceptions to REACH_<FLAG>: %v, want %v", exceptions, want)
	}
	for k, v := range want {
		if exceptions[k] != v {
			t.Errorf("%s: env %q, want %q", k, exceptions[k], v)
		}
	}
}

// TestAlipaySimKeepsItsConfigFlag: alipay-sim's own --config (the simulator's file) wins
// over the root's, which it hides; Reach's file then comes from REACH_CONFIG alone.
func TestAlipaySimKeepsItsConfigFlag(t *testing.T) {
	root := newRootCmd()
	sim, err := findCommand(root, "alipay-sim")
	if err != nil {
		t.Fatal(err)
	}
	if err := sim.ParseFlags([]string{"--config", "sim.json"}); err != nil {
		t.Fatal(err)
	}
	if f := sim.Flags().Lookup("config"); f.Value.String() != "sim.json" || envName(f) != "REACH_SIM_CONFIG" {
		t.Errorf("alipay-sim --config is %q (%s)", f.Value.String(), envName(f))
	}
	if root.PersistentFlags().Lookup("config").Changed {
		t.Error("alipay-sim --config set the root's --config")
	}
}
