package alipayerr

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"regexp"
)

// Unreachable is what every failure to reach the gateway reads as, whatever the cause (a
// refused or reset connection, a timeout, a DNS or TLS failure): the differences would tell a
// tenant which ports are open and what answers there. The cause goes to the log only.
const Unreachable = "could not reach the Alipay gateway"

// codePattern is what a code or sub code of an answer nobody signed must look like to be
// shown; anything else is remote text and is not.
var codePattern = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// Public is what a tenant may read about a failed call (state reasons, last_error, error
// messages): Alipay's own words only from an answer Alipay signed. Of an answer nobody
// signed only the code and sub code are kept (when they look like codes: they tell an
// operator which setting is wrong), never its msg, sub_msg or resultMessage, which whoever
// answered chose; a failure to connect reads as Unreachable. Log err itself for the details.
func Public(err error) string {
	if err == nil {
		return ""
	}
	if errors.Is(err, ErrEndpointNotAllowed) {
		return ErrEndpointNotAllowed.Error()
	}
	var e *Error
	if !errors.As(err, &e) {
		if unreachable(err) {
			return Unreachable
		}
		return err.Error() // Reach's own failure before any call (a key that cannot be read, …)
	}
	switch {
	case e.Verified:
		s := e.Reason()
		if m := cmp.Or(e.SubMsg, e.Msg); m != "" {
			s += " " + m
		}
		return s
	case e.Code != "" || e.SubCode != "":
		return e.Reason() + " (not signed by Alipay)"
	case e.HTTPStatus != 0:
		return fmt.Sprintf("the gateway answered HTTP %d", e.HTTPStatus)
	case e.Class == Auth:
		// Without a code, Msg is Reach's own finding (the answer's signature did not verify
		// with the configured key), never the answer's text.
		return cmp.Or(e.Msg, "the answer could not be verified with the channel's Alipay key")
	case e.Class == BadRequest && e.Err != nil:
		return "not sent: " + e.Err.Error() // Reach refused its own request before sending it
	case unreachable(e.Err):
		return Unreachable
	case e.Class == Retryable:
		return "no usable answer from the Alipay gateway"
	}
	return e.Class.String()
}

// unreachable reports whether err is a failure to connect or to get an answer in time.
func unreachable(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
}

// SafeCode is code when it looks like one, else a placeholder: what of an unsigned answer's
// code may be shown.
func SafeCode(code string) string {
	if code == "" || codePattern.MatchString(code) {
		return code
	}
	return "(unreadable code)"
}
