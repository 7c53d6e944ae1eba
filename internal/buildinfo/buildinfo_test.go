package buildinfo

import (
	"runtime"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

func build(version string, settings ...string) *debug.BuildInfo {
	bi := &debug.BuildInfo{GoVersion: "go1.99.1", Main: debug.Module{Path: "github.com/reachhq/reach", Version: version}}
	for i := 0; i+1 < len(settings); i += 2 {
		bi.Settings = append(bi.Settings, debug.BuildSetting{Key: settings[i], Value: settings[i+1]})
	}
	return bi
}

func TestFromBuild(t *testing.T) {
	const rev = "0123456789abcdef0123456789abcdef01234567"
	for _, tc := range []struct {
		name     string
		bi       *debug.BuildInfo
		override string
		want     Info
	}{
		{"no build info", nil, "",
			Info{Version: "dev", Revision: Unknown, Time: Unknown, GoVersion: runtime.Version()}},
		{"devel without vcs", build("(devel)"), "",
			Info{Version: "dev", Revision: Unknown, Time: Unknown, GoVersion: "go1.99.1"}},
		{"tagged clean", build("v1.2.3", "vcs.revision", rev, "vcs.time", "2026-11-30T10:00:00Z", "vcs.modified", "false"), "",
			Info{Version: "v1.2.3", Revision: rev, Time: "2026-11-30T10:00:00Z", GoVersion: "go1.99.1"}},
		{"pseudo-version dirty", build("v0.0.0-20261130100000-0123456789ab+dirty", "vcs.revision", rev, "vcs.modified", "true"), "",
			Info{Version: "v0.0.0-20261130100000-0123456789ab+dirty", Revision: rev + "+dirty", Time: Unknown, GoVersion: "go1.99.1"}},
		{"ldflags override wins", build("v0.0.0-20261130100000-0123456789ab", "vcs.revision", rev), "v1.3.0-rc.1",
			Info{Version: "v1.3.0-rc.1", Revision: rev, Time: Unknown, GoVersion: "go1.99.1"}},
		{"override without build info", nil, "v2.0.0",
			Info{Version: "v2.0.0", Revision: Unknown, Time: Unknown, GoVersion: runtime.Version()}},
		{"modified without a revision stays unknown", build("", "vcs.modified", "true"), "",
			Info{Version: "dev", Revision: Unknown, Time: Unknown, GoVersion: "go1.99.1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := fromBuild(tc.bi, tc.override); got != tc.want {
				t.Fatalf("fromBuild = %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestReadUnderGoTest(t *testing.T) {
	// A test binary records no module version and no VCS settings, and nothing here
	// sets the link-time override.
	got := Read()
	if got.Version != "dev" || got.GoVersion != runtime.Version() {
		t.Fatalf("Read() = %+v, want version dev and Go %s", got, runtime.Version())
	}
}

func TestCollector(t *testing.T) {
	c := collector(Info{Version: "v1.2.3", Revision: "abc+dirty", Time: "2026-11-30T10:00:00Z", GoVersion: "go1.99.1"})
	want := `
# HELP reach_build_info The running build of Reach: its version, commit (revision) and Go version; always 1.
# TYPE reach_build_info gauge
reach_build_info{goversion="go1.99.1",revision="abc+dirty",version="v1.2.3"} 1
`
	if err := testutil.CollectAndCompare(c, strings.NewReader(want), "reach_build_info"); err != nil {
		t.Fatal(err)
	}
	// Registering it twice in one registry is a programming error worth failing loudly.
	reg := prometheus.NewRegistry()
	reg.MustRegister(Collector())
	if err := reg.Register(Collector()); err == nil {
		t.Fatal("a second reach_build_info registered without error")
	}
}
