package secrets

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"time"
)

// ErrInsecureFile is returned by LoadFile when a key file is readable or
// writable by "other" users, or writable by its group.
//
// We refuse rather than warn: a warning in a log is easy to miss, and a key
// file anyone on the host can read defeats encryption at rest. Group read
// (0640, 0440) is allowed because container platforms commonly share a mounted
// secret through a group (Kubernetes fsGroup with defaultMode 0440); the
// Kubernetes default mode 0644 is refused and must be set to 0400 or 0440.
var ErrInsecureFile = errors.New("key file permissions too open")

// maxKeyFile bounds what LoadFile reads; a real ring is a few hundred bytes.
const maxKeyFile = 1 << 20

// GenerateKey returns the standard base64 encoding of 32 random bytes, ready
// for an "ID:KEY" entry.
func GenerateKey() (string, error) {
	key := make([]byte, KeySize)
	if _, err := rand.Read(key); err != nil {
		return "", fmt.Errorf("generate key: %w", err)
	}
	defer clear(key)
	return base64.StdEncoding.EncodeToString(key), nil
}

// LoadFile reads and parses a key file. See ErrInsecureFile for the
// permission rule (not applied on Windows, whose mode bits mean nothing).
func LoadFile(path string) (*KeyRing, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("load key file: %w", err)
	}
	defer f.Close()
	// Stat the open file, not the path, so the file checked is the file read.
	info, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("load key file: %w", err)
	}
	if err := checkMode(path, info); err != nil {
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(f, maxKeyFile+1))
	if err != nil {
		return nil, fmt.Errorf("load key file: %w", err)
	}
	if len(data) > maxKeyFile {
		return nil, fmt.Errorf("load key file %s: %w: larger than %d bytes", path, ErrInvalidKeyRing, maxKeyFile)
	}
	defer clear(data)
	ring, err := Parse(string(data))
	if err != nil {
		return nil, fmt.Errorf("load key file %s: %w", path, err)
	}
	return ring, nil
}

func checkMode(path string, info fs.FileInfo) error {
	if !info.Mode().IsRegular() {
		return fmt.Errorf("load key file %s: not a regular file", path)
	}
	if runtime.GOOS == "windows" {
		return nil
	}
	if perm := info.Mode().Perm(); perm&0o027 != 0 {
		return fmt.Errorf("load key file %s: %w: mode %#o, want 0600 or 0400 (0640/0440 allowed); run chmod 600", path, ErrInsecureFile, perm)
	}
	return nil
}

// LoadOrCreateFile loads the key file at path, or, if it does not exist,
// creates it with one fresh key named "k" + today's UTC date (k20261122) so a
// first start needs no setup. The parent directory is created with mode 0700
// (an existing one is left as it is) and the file with 0600.
//
// The file is written to a temporary name, synced, then hard-linked into
// place: a crash never leaves a half-written key file, and if two processes
// race, the link fails for the loser, which then loads the winner's key
// instead of overwriting it (rename would silently replace it, and every
// secret sealed with the lost key would be gone for good).
func LoadOrCreateFile(path string) (ring *KeyRing, created bool, err error) {
	ring, err = LoadFile(path)
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return ring, false, err
	}
	if err := createKeyFile(path, time.Now()); err != nil {
		if errors.Is(err, fs.ErrExist) {
			ring, err = LoadFile(path)
			return ring, false, err
		}
		return nil, false, err
	}
	ring, err = LoadFile(path)
	if err != nil {
		return nil, false, err
	}
	return ring, true, nil
}

func createKeyFile(path string, now time.Time) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create key file: %w", err)
	}
	key, err := GenerateKey()
	if err != nil {
		return fmt.Errorf("create key file: %w", err)
	}
	content := "# Reach secret key ring: ID:BASE64KEY entries. The first one encrypts; all decrypt.\n" +
		"# To rotate, put a new entry first, reseal stored secrets, then remove the old entry.\n" +
		"# Losing this file makes every stored credential unreadable: back it up.\n" +
		"k" + now.UTC().Format("20060102") + ":" + key + "\n"

	tmp, err := os.CreateTemp(dir, ".keyring-*.tmp") // CreateTemp uses mode 0600
	if err != nil {
		return fmt.Errorf("create key file: %w", err)
	}
	tmpName := tmp.Name()
	defer os.Remove(tmpName)
	if _, err := tmp.WriteString(content); err != nil {
		tmp.Close()
		return fmt.Errorf("create key file: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("create key file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("create key file: %w", err)
	}
	if err := os.Link(tmpName, path); err != nil {
		return fmt.Errorf("create key file: %w", err)
	}
	syncDir(dir)
	return nil
}

// syncDir makes the new directory entry durable. Failure is ignored: some
// platforms cannot fsync a directory, and the file itself is already synced.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
}
