package server

import (
	"errors"
	"strings"
	"unicode"

	"github.com/reachhq/reach/store"
)

// isConflict reports an optimistic-concurrency failure that a fresh read may resolve.
func isConflict(err error) bool { return errors.Is(err, store.ErrConflict) }

// conflictAttempts bounds how often a read-change-write is redone after losing a race.
const conflictAttempts = 5

// retryConflicts runs try — read a record, change it, write it with its revision — until
// it does not lose a race to another writer, at most attempts times. Each try reads afresh,
// so a change is never applied to a stale record; any other error ends it at once.
func retryConflicts(attempts int, try func() error) error {
	for attempt := 1; ; attempt++ {
		err := try()
		if err == nil || !isConflict(err) || attempt >= attempts {
			return err
		}
	}
}

// snakePath accepts a field mask path in the JSON form ("openPlatform.appPrivateKey"), as
// clients of the JSON gateway write it in ?updateMask=, and returns the proto form
// ("open_platform.app_private_key").
func snakePath(path string) string {
	var b strings.Builder
	for _, r := range path {
		if unicode.IsUpper(r) {
			b.WriteByte('_')
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}
