// Package buildinfo tells which build of Reach is running: the version, the commit it was
// built from, when that commit was made and the Go version. `reach version`, the OpenAPI
// document's info.version and the reach_build_info metric all read it from here, so they
// never disagree.
package buildinfo

import (
	"runtime"
	"runtime/debug"
	"sync"
)

// version, when set at link time, replaces the module version for release builds:
//
//	go build -ldflags "-X github.com/reachhq/reach/internal/buildinfo.version=v1.2.3" ./cmd/reach
//
// The module version Go records is "(devel)" or a pseudo-version for anything but a
// `go install module@version`, so a release names its tag this way.
var version string

// Unknown stands for a value the build did not record.
const Unknown = "unknown"

// Info describes one build.
type Info struct {
	// Version is the -X override, else the main module's version; "dev" when Go recorded
	// none (go test, or "(devel)" from a build outside version control).
	Version string
	// Revision is the commit (vcs.revision), with "+dirty" when the work tree had changes
	// (vcs.modified); Unknown when built without version control information.
	Revision string
	// Time is the commit's time (vcs.time, RFC 3339); Unknown when not recorded.
	Time string
	// GoVersion is the Go toolchain that built the binary.
	GoVersion string
}

// Read returns the running binary's build information.
var Read = sync.OnceValue(func() Info {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		bi = nil
	}
	return fromBuild(bi, version)
})

// fromBuild reads bi (nil when the binary has none), letting a non-empty override win for
// the version.
func fromBuild(bi *debug.BuildInfo, override string) Info {
	info := Info{Version: "dev", Revision: Unknown, Time: Unknown, GoVersion: runtime.Version()}
	if bi != nil {
		if v := bi.Main.Version; v != "" && v != "(devel)" {
			info.Version = v
		}
		if bi.GoVersion != "" {
			info.GoVersion = bi.GoVersion
		}
		dirty := false
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				info.Revision = s.Value
			case "vcs.time":
				info.Time = s.Value
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
		if dirty && info.Revision != Unknown {
			info.Revision += "+dirty"
		}
	}
	if override != "" {
		info.Version = override
	}
	return info
}
