package gateway

import (
	"errors"
	"fmt"

	"github.com/reachhq/reach/clients/alipayerr"
)

// Sentinels found (with errors.Is) in the Err field of the *alipayerr.Error
// a call returns, or returned by the notification verifiers.
var (
	// ErrBadSignature: a response or notification is unsigned where a
	// signature is required, or its signature does not verify (§1.6, §3).
	ErrBadSignature = errors.New("signature verification failed")
	// ErrMalformedResponse: the body is not a gateway.do response (§1.5).
	ErrMalformedResponse = errors.New("malformed gateway response")
	// ErrUnsigned: an error_response came without a signature (open question 5).
	ErrUnsigned = errors.New("error response is unsigned")
	// ErrCertRotation: a response named an Alipay certificate we could not
	// download or trust (§1.7).
	ErrCertRotation = errors.New("alipay certificate rotation failed")
	// ErrDecrypt: an encrypted response could not be decrypted (§1.8).
	ErrDecrypt = errors.New("response decryption failed")
	// ErrUnsupportedSignType: a notification declares a sign_type other than RSA2.
	ErrUnsupportedSignType = errors.New("unsupported sign_type")
	// ErrUnsupportedCharset: a notification declares a charset we cannot encode.
	ErrUnsupportedCharset = errors.New("unsupported charset")
)

// retryable is a failure whose outcome at Alipay is unknown.
func retryable(format string, args ...any) *alipayerr.Error {
	return &alipayerr.Error{Class: alipayerr.Retryable, Err: fmt.Errorf(format, args...)}
}

func badRequest(format string, args ...any) *alipayerr.Error {
	return &alipayerr.Error{Class: alipayerr.BadRequest, Err: fmt.Errorf(format, args...)}
}

// authFailure is a response we cannot trust; msg is for the operator.
func authFailure(msg string, err error) *alipayerr.Error {
	return &alipayerr.Error{Class: alipayerr.Auth, Msg: msg, Err: err}
}
