package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestServeNotifyMaxAge: a notification age limit that would refuse everything is refused
// before anything is created.
func TestServeNotifyMaxAge(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "x.db")
	for _, env := range [][]string{nil, {"REACH_NOTIFY_MAX_AGE=-1h"}} {
		args := []string{"serve", "--database", "sqlite:" + db}
		if env == nil {
			args = append(args, "--notify-max-age", "0s")
		}
		r := reach(t, env, args...)
		if r.code == 0 || !strings.Contains(r.stderr, "--notify-max-age must be positive") {
			t.Errorf("serve %v %v: %s", env, args, r)
		}
	}
	if matches, _ := filepath.Glob(filepath.Join(filepath.Dir(db), "*")); len(matches) != 0 {
		t.Errorf("a refused serve created %v", matches)
	}
}
