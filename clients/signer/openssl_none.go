//go:build !(cgo && unix)

package signer

import "errors"

// Without cgo there is no OpenSSL: Reach signs with Go.
func loadOpenSSL() (rsaOps, error) {
	return nil, errors.New("this build has no cgo")
}
