// Package subscribe interprets the result object of the mini program's my.requestSubscribeMessage.
package subscribe

import "fmt"

// MaxInput bounds the JSON a client may forward; real results are a few
// hundred bytes.
const MaxInput = 64 << 10

// Outcome is what the call amounted to.
type Outcome int

const (
	// OutcomeFailed is the zero value on purpose: anything not understood as
	// a subscription or a cancellation must not grant sends.
	OutcomeFailed Outcome = iota
	// OutcomeSubscribed: the panel completed (behavior "subscribe"). The user
	// may still have rejected some or all templates; see Accepted/Rejected.
	OutcomeSubscribed
	// OutcomeCancelled: the user closed the panel (behavior "cancel" or
	// errorCode 11).
	OutcomeCancelled
)

func (o Outcome) String() string {
	switch o {
	case OutcomeSubscribed:
		return "subscribed"
	case OutcomeCancelled:
		return "cancelled"
	case OutcomeFailed:
		return "failed"
	}
	return fmt.Sprintf("Outcome(%d)", int(o))
}

// Result is a parsed my.requestSubscribeMessage callback object.
type Result struct {
	// Behavior is "subscribe", "cancel" or "" (failure) as sent.
	Behavior string
	// Show is false when nothing was displayed (silent subscription, e.g.
	// after "always keep"); Keep is the one-time panel's "always keep this
	// choice"; Refuse the long-term panel's "refuse, don't ask again". The
	// …Set fields say whether the client sent them at all.
	Show, Keep, Refuse          bool
	ShowSet, KeepSet, RefuseSet bool
	// ErrorCode is the errorCode (or, if absent, the deprecated "error") as
	// text, e.g. "11" or "106008"; "" if none.
	ErrorCode    string
	ErrorMessage string

	// Accepted are the templates the user accepted in this call: for a
	// subscribed outcome, result.subscribeEntityIds ∪
	// result.currentSubscribedEntityIds ∪ top-level "<id>": "accept", in that
	// order, without duplicates. Empty for any other outcome. For a one-time
	// template each acceptance grants one send.
	Accepted []string
	// Rejected are templates the user did not accept: for a subscribed
	// outcome, result.unsubscribedEntityIds ∪ "<id>": "reject", minus
	// Accepted. For a one-time template this grants nothing but does not
	// revoke earlier acceptances; for a long-term one it means "off".
	Rejected []string
	// Subscribed is result.subscribedEntityIds, the user's final subscribed
	// list. It includes templates accepted in earlier calls, so it is state,
	// never by itself a new acceptance.
	Subscribed []string
	// Requested is every template id mentioned anywhere (entityList, every
	// result list, dynamic keys), in order of first appearance. It is not
	// limited to the 3 ids a call may pass; the caller decides what to do.
	Requested []string

	Outcome Outcome
}

// Error says which field of the result object is wrong and why.
type Error struct {
	// Field is a path such as "show", "result.subscribeEntityIds[1]" or a
	// dynamic template-id key; "" when the problem concerns the whole input.
	Field  string
	Reason string
}

func (e *Error) Error() string {
	if e.Field == "" {
		return "subscribe result: " + e.Reason
	}
	return "subscribe result: " + e.Field + " " + e.Reason
}

// outcome decides from behavior and the error code. A cancellation is
// recognised by either signal; any other error code means failure even if
// behavior says "subscribe", because granting sends on a doubtful result is
// the costly mistake. errorCode 0 is taken as "no error".
func outcome(behavior, code string) Outcome {
	switch {
	case code == "11" || behavior == "cancel":
		return OutcomeCancelled
	case code != "" && code != "0":
		return OutcomeFailed
	case behavior == "subscribe":
		return OutcomeSubscribed
	}
	return OutcomeFailed
}
