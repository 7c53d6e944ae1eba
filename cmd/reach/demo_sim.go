package main

// The demo's Alipay simulator: found in the checkout, checked to still have what the
// walk-through uses, and started on a free loopback port.

import (
	"bufio"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"github.com/reachhq/reach/clients/alipaysim"
)

func (e *demoEnv) startSimulator(log *slog.Logger, faults []alipaysim.Fault) error {
	path, err := findSimConfig()
	if err != nil {
		return err
	}
	cfg, err := alipaysim.LoadConfig(path)
	if err != nil {
		return err
	}
	if err := checkSimConfig(cfg); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	cfg.Addr, cfg.Logger = "127.0.0.1:0", log
	if e.sim, err = alipaysim.New(cfg); err != nil {
		return err
	}
	e.configPath, e.simConfig, e.keyDir = path, cfg, filepath.Dir(path)
	for _, f := range faults {
		if _, err := e.sim.AddFault(f); err != nil {
			return err
		}
	}
	return e.sim.Start()
}

// findSimConfig finds demoSimConfig under the module root above the working directory
// (make demo, go test), or above the directory this file was compiled from (go run from
// elsewhere in a checkout).
func findSimConfig() (string, error) {
	var starts []string
	if wd, err := os.Getwd(); err == nil {
		starts = append(starts, wd)
	}
	if _, file, _, ok := runtime.Caller(0); ok && filepath.IsAbs(file) {
		starts = append(starts, filepath.Dir(file))
	}
	for _, dir := range starts {
		if root, ok := moduleRoot(dir); ok {
			p := filepath.Join(root, filepath.FromSlash(demoSimConfig))
			if _, err := os.Stat(p); err == nil {
				return p, nil
			}
		}
	}
	return "", fmt.Errorf("cannot find the Alipay simulator's example config %s: "+
		"run the demo from inside the Reach repository (make demo, or go run ./cmd/reach demo)", demoSimConfig)
}

// moduleRoot walks up from dir to the directory whose go.mod declares this module
// (tools/go.mod declares another one, so it is passed over).
func moduleRoot(dir string) (string, bool) {
	for {
		if f, err := os.Open(filepath.Join(dir, "go.mod")); err == nil {
			mod := modulePath(f)
			f.Close()
			if mod == "github.com/reachhq/reach" {
				return dir, true
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}

// modulePath returns the path of the module line of a go.mod.
func modulePath(r io.Reader) string {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "module"); ok {
			return strings.Trim(strings.TrimSpace(rest), `"`)
		}
	}
	return ""
}

// checkSimConfig fails clearly if the example config no longer has what the demo uses.
func checkSimConfig(cfg alipaysim.Config) error {
	var missing []string
	for _, app := range []struct{ id, template string }{
		{demoLifeApp, ""}, {demoMiniApp, demoMiniTemplate}, {demoPlusApp, demoPlusTemplate},
	} {
		a, ok := findSimApp(cfg, app.id)
		switch {
		case !ok:
			missing = append(missing, "app "+app.id)
		case app.template != "" && !slices.ContainsFunc(a.Templates, func(t alipaysim.Template) bool { return t.ID == app.template }):
			missing = append(missing, "template "+app.template+" of app "+app.id)
		}
	}
	if _, ok := cfg.TemplateLibrary[demoLibCode]; !ok {
		missing = append(missing, "template_library entry "+demoLibCode)
	}
	if len(missing) > 0 {
		return fmt.Errorf("the demo needs %s (update cmd/reach/demo.go with the config)", strings.Join(missing, ", "))
	}
	return nil
}

// findSimApp returns the app of the simulator's config with this app id.
func findSimApp(cfg alipaysim.Config, id string) (alipaysim.App, bool) {
	i := slices.IndexFunc(cfg.Apps, func(a alipaysim.App) bool { return a.AppID == id })
	if i < 0 {
		return alipaysim.App{}, false
	}
	return cfg.Apps[i], true
}
