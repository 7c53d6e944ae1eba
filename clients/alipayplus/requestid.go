package alipayplus

import (
	"crypto/sha256"
	"encoding/hex"
)

// maxRequestID is the longest requestId message/send accepts (§4.5).
const maxRequestID = 64

// RequestIDFor returns the requestId for a Reach message: the message id itself when it is at
// most 64 characters of [A-Za-z0-9._-], otherwise the 64 hex digits of its SHA-256.
//
// The id is derived from the message alone, with no attempt number, on purpose: §4.5 makes
// requestId the idempotency key (a requestId that already reached S returns the same result), so
// every retry of one message must carry the same requestId for a lost response or a timeout
// not to deliver the message twice. The result is stable across processes and releases; do not
// change the rule without a migration, or in-flight retries would send twice. It returns "" for
// an empty id, which SendMessage rejects.
func RequestIDFor(messageID string) string {
	if messageID == "" {
		return ""
	}
	if len(messageID) <= maxRequestID && plainID(messageID) {
		return messageID
	}
	sum := sha256.Sum256([]byte(messageID))
	return hex.EncodeToString(sum[:])
}

// plainID reports whether s uses only characters every wallet's requestId examples use, so it
// needs no hashing to be safe to send.
func plainID(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}
