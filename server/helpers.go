package server

import (
	"errors"
	"strings"
	"unicode"

	"github.com/reachhq/reach/store"
)

// isConflict reports an optimistic-concurrency failure that a fresh read may resolve.
func isConflict(err error) bool { return errors.Is(err, store.ErrConflict) }

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
