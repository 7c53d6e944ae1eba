package signer

import (
	"crypto/rsa"
	"sync"
)

// verifiedSize bounds the signatures remembered as verified.
const verifiedSize = 4096

// verifiedKey names one verification: the key (by identity: a rotated key is a new value,
// and the old one's entries age out), the content's SHA-256 and the signature.
type verifiedKey struct {
	pub *rsa.PublicKey
	sum [32]byte
	sig string
}

// verifiedSet remembers recent successful verifications in two generations: when the
// current map is full it becomes the old one, so memory stays bounded without per-entry
// bookkeeping, and what is still being used is carried over.
type verifiedSet struct {
	mu       sync.Mutex
	cur, old map[verifiedKey]struct{}
}

var verified = &verifiedSet{cur: map[verifiedKey]struct{}{}}

func (v *verifiedSet) has(k verifiedKey) bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	if _, ok := v.cur[k]; ok {
		return true
	}
	if _, ok := v.old[k]; ok {
		v.addLocked(k)
		return true
	}
	return false
}

func (v *verifiedSet) add(k verifiedKey) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.addLocked(k)
}

func (v *verifiedSet) addLocked(k verifiedKey) {
	if len(v.cur) >= verifiedSize/2 {
		v.old, v.cur = v.cur, make(map[verifiedKey]struct{}, verifiedSize/2)
	}
	v.cur[k] = struct{}{}
}
