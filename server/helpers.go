package server

import (
	"errors"

	"github.com/reachhq/reach/store"
)

// isConflict reports an optimistic-concurrency failure that a fresh read may resolve.
func isConflict(err error) bool { return errors.Is(err, store.ErrConflict) }
