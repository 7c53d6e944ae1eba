package webhooks

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/reachhq/reach/store"
)

// The webhook-id of an event: "evt-m…" for a message event, "evt-r…" for a resource event,
// with the id zero-padded so that listings sorted by it are in event order.
func messageEventID(id int64) string  { return fmt.Sprintf("evt-m%015d", id) }
func resourceEventID(id int64) string { return fmt.Sprintf("evt-r%015d", id) }

// EventTypes are the event types an endpoint may subscribe to.
var EventTypes = []string{"message.sent", "message.failed", "message.expired", "message.cancelled", "message.queued", "message.sending",
	store.EventTemplateInvalid, store.EventChannelAuthFailed, store.EventBroadcastCompleted}

// MessageEventType is the webhook event type of a message event: "message." and the state
// the message entered (message.sent, message.failed, message.expired, message.cancelled,
// message.queued for a message queued again: a retry scheduled, a hold, a re-drive;
// message.sending for an attempt whose outcome Alipay left unknown, to be tried again).
func MessageEventType(state string) string { return "message." + strings.ToLower(state) }

// body is a Standard Webhooks payload: type, timestamp and data.
type body struct {
	Type      string    `json:"type"`
	Timestamp time.Time `json:"timestamp"`
	Data      any       `json:"data"`
}

// messageData is what a message event says. Names and enums are spelled as in the API's JSON.
type messageData struct {
	Message    string      `json:"message"`
	Channel    string      `json:"channel"`
	Template   string      `json:"template"`
	RequestID  string      `json:"requestId,omitempty"`
	Recipient  recipient   `json:"recipient"`
	State      string      `json:"state"`
	Revision   int64       `json:"revision"`
	Event      messageStep `json:"event"`
	EventTime  time.Time   `json:"eventTime"`
	Attempt    int         `json:"attempt,omitempty"`
	AlipayCode *alipayCode `json:"alipayError,omitempty"`
}

type recipient struct {
	Kind string `json:"kind"`
	ID   string `json:"id"`
}

type messageStep struct {
	Kind        string `json:"kind"`
	Description string `json:"description"`
}

type alipayCode struct {
	Code    string `json:"code,omitempty"`
	Msg     string `json:"msg,omitempty"`
	SubCode string `json:"subCode,omitempty"`
	SubMsg  string `json:"subMsg,omitempty"`
}

// resourceData is what a template, channel or broadcast event says.
type resourceData struct {
	Name        string    `json:"name"`
	State       string    `json:"state"`
	StateReason string    `json:"stateReason"`
	Revision    int64     `json:"revision"`
	EventTime   time.Time `json:"eventTime"`
}

func messagePayload(e *store.FeedEvent) (string, error) {
	d := messageData{
		Message: "messages/" + e.MessageID, Channel: "channels/" + e.ChannelID,
		Template:  "channels/" + e.ChannelID + "/templates/" + e.TemplateID,
		RequestID: e.RequestID, Recipient: recipient{Kind: e.Recipient.Kind, ID: e.Recipient.ID},
		State: "MESSAGE_STATE_" + e.State, Revision: e.Revision, EventTime: e.Time.UTC(),
		Event: messageStep{Kind: e.Kind, Description: e.Description}, Attempt: e.Attempt,
	}
	if a := e.Error; a != nil {
		d.AlipayCode = &alipayCode{Code: a.Code, Msg: a.Msg, SubCode: a.SubCode, SubMsg: a.SubMsg}
	}
	return encode(MessageEventType(e.State), e.Time, d)
}

// resourceStatePrefix is the API enum prefix of each resource event's state.
var resourceStatePrefix = map[string]string{
	store.EventTemplateInvalid:    "TEMPLATE_STATE_",
	store.EventChannelAuthFailed:  "CHANNEL_STATE_",
	store.EventBroadcastCompleted: "BROADCAST_STATE_",
}

func resourcePayload(e *store.ResourceEvent) (string, error) {
	return encode(e.Type, e.Time, resourceData{Name: e.Subject, State: resourceStatePrefix[e.Type] + e.State,
		StateReason: e.Reason, Revision: e.Revision, EventTime: e.Time.UTC()})
}

func encode(typ string, at time.Time, data any) (string, error) {
	b, err := json.Marshal(body{Type: typ, Timestamp: at.UTC(), Data: data})
	return string(b), err
}
