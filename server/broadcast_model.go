package server

import (
	"fmt"
	"strings"

	"google.golang.org/protobuf/encoding/protojson"

	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
	"github.com/reachhq/reach/policy"
	"github.com/reachhq/reach/store"
)

func broadcastName(id string) string { return "broadcasts/" + id }

// broadcastRef parses "broadcasts/{broadcast}".
func broadcastRef(f *fieldErrors, field, name string) string {
	ids, ok := parseName(name, "broadcasts/*")
	if !ok {
		f.add(field, `must be a broadcast name "broadcasts/{broadcast}"`)
		return ""
	}
	return ids[0]
}

// ledgerOf says which ledger rows of a template's channel a broadcast goes to.
func ledgerOf(channelType, templateID string) (kind, template string) {
	switch channelType {
	case typeLifeAccount:
		return "FOLLOWER", ""
	case typeMiniProgram:
		return "TEMPLATE", templateID
	}
	return "AUTHORIZATION", ""
}

// broadcastToProto turns a stored broadcast (its payload is the shared content, as a
// message's) into its resource.
func broadcastToProto(b *store.Broadcast) (*reachv1.Broadcast, error) {
	var c reachv1.Message
	if len(b.Payload) > 0 {
		if err := protojson.Unmarshal(b.Payload, &c); err != nil {
			return nil, fmt.Errorf("decode broadcast %s payload: %w", b.ID, err)
		}
	}
	p := b.Progress
	out := &reachv1.Broadcast{
		Name: broadcastName(b.ID), Template: templateName(b.ChannelID, b.TemplateID),
		SubscriptionType: reachv1.SubscriptionType(reachv1.SubscriptionType_value["SUBSCRIPTION_TYPE_"+b.SubscriptionType]),
		Data:             c.Data, Colors: c.Colors, Localizations: c.Localizations, Page: c.Page, LifeAccount: c.LifeAccount,
		Category: policy.Category(c.Category), StartTime: ts(b.StartTime), ExpireTime: ts(b.ExpireTime),
		RequestId: b.RequestID, State: reachv1.BroadcastState(reachv1.BroadcastState_value["BROADCAST_STATE_"+b.State]),
		StateReason: b.StateReason, Enqueued: b.Enqueued, EnqueueDone: b.EnqueueDone,
		Progress: &reachv1.BroadcastProgress{Queued: p.Queued, Sent: p.Sent, Failed: p.Failed, Skipped: p.Skipped,
			Cancelled: p.Cancelled, Expired: p.Expired},
		EndTime: tsp(b.EndTime), CreateTime: ts(b.CreateTime), UpdateTime: ts(b.UpdateTime),
	}
	return out, nil
}

// nestViolations renames the violations plan and the content checks report for a send
// request's top-level fields to the broadcast's fields ("template" → "broadcast.template",
// "send_time" → "broadcast.start_time"); request_id stays at the top.
func nestViolations(f *fieldErrors) {
	for _, v := range f.violations {
		switch {
		case v.Field == "request_id" || strings.HasPrefix(v.Field, "broadcast."):
		case v.Field == "send_time":
			v.Field = "broadcast.start_time"
		default:
			v.Field = "broadcast." + v.Field
		}
	}
}
