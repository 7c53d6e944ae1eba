package server

import (
	"testing"

	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
)

// TestFilterTermsAreConjunctions: List filters are "terms joined by AND", so a listing
// never returns a row that one of the terms excludes, whatever the order of the terms.
func TestFilterTermsAreConjunctions(t *testing.T) {
	e := newTestEnv(t)
	subscriptionWorld(t, e) // channels mini and mini2 both have a template "order"
	e.send(miniSend("mini", "order", "a", uid("2088000000000001")))
	e.send(miniSend("mini2", "order", "b", uid("2088000000000001")))
	for _, f := range []string{
		`channel = "channels/mini" AND template = "channels/mini2/templates/order"`,
		`template = "channels/mini2/templates/order" AND channel = "channels/mini"`,
		`user_id = "2088000000000001" AND open_id = "2088000000000001"`,
	} {
		resp := &reachv1.ListMessagesResponse{}
		if err := e.call(e.admin(), mListMessages, &reachv1.ListMessagesRequest{Filter: f}, resp); err == nil && len(resp.Messages) != 0 {
			t.Errorf("ListMessages %s: %d messages, want none", f, len(resp.Messages))
		}
	}
	chs := &reachv1.ListChannelsResponse{}
	f := `type = ALIPAY_LIFE_ACCOUNT AND type = ALIPAY_MINI_PROGRAM`
	if err := e.call(e.admin(), mListChannels, &reachv1.ListChannelsRequest{Filter: f}, chs); err == nil && len(chs.Channels) != 0 {
		t.Errorf("ListChannels %s: %d channels, want none", f, len(chs.Channels))
	}
}
