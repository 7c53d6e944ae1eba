package server

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/durationpb"

	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
	"github.com/reachhq/reach/policy"
	"github.com/reachhq/reach/store"
)

var messageStates = []string{"QUEUED", "SENDING", "SENT", "FAILED", "CANCELLED", "EXPIRED"}

// reasonQueued is the state reason of a message waiting for dispatch.
const reasonQueued = "waiting to be sent"

func messageToProto(r *store.Message) (*reachv1.Message, error) {
	out := &reachv1.Message{}
	if len(r.Payload) > 0 {
		if err := protojson.Unmarshal(r.Payload, out); err != nil {
			return nil, fmt.Errorf("decode message %s payload: %w", r.ID, err)
		}
	}
	return withRecord(out, r), nil
}

// draft is a message about to be queued: its row and the content its payload encodes, so
// that answering a send needs no decoding of the payload just encoded.
type draft struct {
	rec     *store.Message
	content *reachv1.Message
}

func draftsToProto(ds []draft) []*reachv1.Message {
	out := make([]*reachv1.Message, len(ds))
	for i, d := range ds {
		c := d.content
		out[i] = withRecord(&reachv1.Message{Data: c.Data, Colors: c.Colors, Localizations: c.Localizations, Page: c.Page,
			LifeAccount: c.LifeAccount, Category: c.Category}, d.rec)
	}
	return out
}

// withRecord fills out, which holds a message's content, with the rest of its row r.
func withRecord(out *reachv1.Message, r *store.Message) *reachv1.Message {
	out.Category = policy.Category(out.Category) // messages queued before categories existed
	out.Name = messageName(r.ID)
	out.Channel = channelName(r.ChannelID)
	out.Template = templateName(r.ChannelID, r.TemplateID)
	out.Recipient = userToProto(r.Recipient)
	out.RequestId = r.RequestID
	out.State = reachv1.MessageState(reachv1.MessageState_value["MESSAGE_STATE_"+r.State])
	out.StateReason = r.StateReason
	out.Attempts = int32(r.Attempts)
	out.SentTime = tsp(r.SentTime)
	out.ExternalId = r.ExternalID
	out.LastError = alipayErrorToProto(r.LastError)
	out.SendTime = tsp(r.SendTime)
	out.ExpireTime = tsp(r.ExpireTime)
	out.CreateTime = ts(r.CreateTime)
	out.UpdateTime = ts(r.UpdateTime)
	if r.BroadcastID != "" {
		out.Broadcast = broadcastName(r.BroadcastID)
	}
	return out
}

func messagesToProto(recs []*store.Message) ([]*reachv1.Message, error) {
	out := make([]*reachv1.Message, 0, len(recs))
	for _, r := range recs {
		m, err := messageToProto(r)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

// requestHash fingerprints a send request's content (everything but request_id) so a
// replay with the same id can be told from a different request that reuses it. The
// method name is part of it: a single send and a batch never share an id.
//
// The fields left out are cleared on req itself and put back before it returns (a copy of
// the request cost as much as the rest of the hash): req must not be shared meanwhile.
func requestHash(method string, req proto.Message) (string, error) {
	r := req.ProtoReflect()
	fields := r.Descriptor().Fields()
	var restore []func()
	clear := func(fd protoreflect.FieldDescriptor) {
		v := r.Get(fd)
		r.Clear(fd)
		restore = append(restore, func() { r.Set(fd, v) })
	}
	defer func() {
		for _, f := range restore {
			f()
		}
	}()
	if fd := fields.ByName("request_id"); fd != nil && r.Has(fd) {
		clear(fd)
	}
	// An explicit TRANSACTIONAL is the default: the same request as none, and as requests
	// recorded before categories existed.
	if cat := fields.ByName("category"); cat != nil &&
		reachv1.MessageCategory(r.Get(cat).Enum()) == reachv1.MessageCategory_MESSAGE_CATEGORY_TRANSACTIONAL {
		clear(cat)
	}
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(req)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	h.Write([]byte(method))
	h.Write([]byte{0})
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil)), nil
}

func alipayErrorToProto(e *store.AlipayError) *reachv1.AlipayError {
	if e == nil {
		return nil
	}
	return &reachv1.AlipayError{Code: e.Code, Msg: e.Msg, SubCode: e.SubCode, SubMsg: e.SubMsg}
}

func eventToProto(e *store.MessageEvent) *reachv1.MessageEvent {
	out := &reachv1.MessageEvent{
		Time: ts(e.Time), State: reachv1.MessageState(reachv1.MessageState_value["MESSAGE_STATE_"+e.State]),
		Description: e.Description, AlipayError: alipayErrorToProto(e.Error), Attempt: int32(e.Attempt),
		Kind: e.Kind, Replica: e.Replica, TraceId: e.TraceID,
	}
	if e.Latency > 0 {
		out.Latency = durationpb.New(e.Latency)
	}
	return out
}
