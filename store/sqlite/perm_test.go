package sqlite

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/reachhq/reach/store/gormstore"
)

// The database holds sealed credentials and every tenant's data: its file and the WAL and
// shared-memory files SQLite makes beside it are the owner's alone, whatever the umask.
func TestFilesAreOwnerOnly(t *testing.T) {
	old := syscall.Umask(0o022) // the common default, which leaves new files world-readable
	defer syscall.Umask(old)
	path := filepath.Join(t.TempDir(), "reach.db")
	s, err := Open("sqlite:"+path, gormstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Migrate(t.Context()); err != nil { // writes, so the WAL and SHM exist
		t.Fatal(err)
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		info, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if perm := info.Mode().Perm(); perm != 0o600 {
			t.Errorf("%s has mode %#o, want 0600", filepath.Base(p), perm)
		}
	}
}
