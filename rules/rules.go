// Package rules says what an answer from Alipay does to the records around the call that
// got it: a channel whose credentials Alipay refused, a template Alipay no longer has, a
// user who can no longer be sent to. The dispatcher and the API calls that talk to Alipay
// (verify, sync, claim) use these, so each rule lives in one place.
package rules

import (
	"cmp"
	"errors"

	"github.com/reachhq/reach/clients/alipayerr"
	"github.com/reachhq/reach/store"
)

// ChannelRefused reports whether err is Alipay refusing the channel's credentials or
// configuration, and the channel's AUTH_FAILED reason. A refusal is acted on even when the
// answer is not signed (a failed check of Alipay's own signature, or a gateway error, which
// Alipay may leave unsigned: open question 5): acting on it only holds messages until an
// operator looks, never loses them.
func ChannelRefused(err error) (string, bool) {
	if errors.Is(err, alipayerr.ErrEndpointNotAllowed) {
		// Not Alipay's word but the operator's: nothing on this channel can be sent until its
		// gateway_url names an allowed gateway, so it is held like refused credentials.
		return "not called: " + endpointRefusal, true
	}
	var ae *alipayerr.Error
	if !errors.As(err, &ae) || ae.Class != alipayerr.Auth {
		return "", false
	}
	// Public: an unsigned refusal is acted on, but its words are not shown (whoever
	// answered chose them).
	return "Alipay rejected the credentials: " + alipayerr.Public(err), true
}

// endpointRefusal is the public reason of a call the allowlist stopped.
const endpointRefusal = "the channel's gateway_url is not one of the Alipay gateways this server may call " +
	"(the operator lists them with --alipay-hosts); correct gateway_url"

// TemplateGone reports whether Alipay said, in a signed answer, that the template no
// longer exists, and the template's INVALID reason (the Jiguang behaviour: Alipay has no
// API to list Life Account templates, so a send is how Reach learns).
func TemplateGone(err error) (string, bool) {
	ae, ok := signed(err, alipayerr.TemplateMissing)
	if !ok {
		return "", false
	}
	return "Alipay says the template does not exist: " + ae.Reason() + " " + cmp.Or(ae.SubMsg, ae.Msg), true
}

// UserRefused reports whether Alipay said, in a signed answer, that the recipient cannot
// be sent to (not subscribed, quota used, not following, consent withdrawn).
func UserRefused(err error) bool {
	_, ok := signed(err, alipayerr.NotSubscribed)
	return ok
}

// Definite reports whether err is Alipay's own final word that the message was not
// delivered: a signed refusal (or a refusal before anything was sent). Unsigned answers and
// unknown outcomes are not definite.
func Definite(err error) bool {
	var ae *alipayerr.Error
	if errors.As(err, &ae) && ae.Verified {
		return ae.Class != alipayerr.Retryable
	}
	return err != nil && !alipayerr.MaybeDelivered(err)
}

// SignedRefusal reports whether err is Alipay refusing the call in an answer it signed
// (not an unknown outcome).
func SignedRefusal(err error) bool {
	var ae *alipayerr.Error
	return errors.As(err, &ae) && ae.Verified && ae.Class != alipayerr.Retryable
}

// LedgerRefusal is how a user's ledger row changes when Alipay refuses to deliver to them:
// a one-time row has no sends left, a long-term subscription or an Alipay+ authorization is
// withdrawn, a follower no longer follows.
func LedgerRefusal(kind, subscriptionType string, err error) store.SubscriptionChange {
	reason := "Alipay refused a send: " + reasonOf(err)
	switch {
	case kind == "TEMPLATE" && subscriptionType == "ONE_TIME":
		return store.SubscriptionChange{ClearSends: true, State: "EXHAUSTED", StateReason: reason}
	case kind == "FOLLOWER":
		return store.SubscriptionChange{State: "CANCELLED", StateReason: "does not follow the Life Account: " + reasonOf(err)}
	}
	return store.SubscriptionChange{State: "CANCELLED", StateReason: reason}
}

func signed(err error, class alipayerr.Class) (*alipayerr.Error, bool) {
	var ae *alipayerr.Error
	if errors.As(err, &ae) && ae.Verified && ae.Class == class {
		return ae, true
	}
	return nil, false
}

func reasonOf(err error) string { return alipayerr.Public(err) }
