package policy

import reachv1 "github.com/reachhq/reach/gen/go/reach/v1"

// Category is a message's category with the default applied: a request that names none,
// and a message queued before categories existed, are TRANSACTIONAL.
func Category(c reachv1.MessageCategory) reachv1.MessageCategory {
	if c == reachv1.MessageCategory_MESSAGE_CATEGORY_UNSPECIFIED {
		return reachv1.MessageCategory_MESSAGE_CATEGORY_TRANSACTIONAL
	}
	return c
}
