package server

import (
	"errors"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
	"github.com/reachhq/reach/store"
	"github.com/reachhq/reach/watch"
)

func (s *messageService) WatchMessages(req *reachv1.WatchMessagesRequest, stream reachv1.MessageService_WatchMessagesServer) error {
	ctx, cancel := s.untilStop(stream.Context())
	defer cancel()
	var f fieldErrors
	filter := messageFilter(&f, req.Filter)
	if filter.CreateAfter != nil || filter.CreateBefore != nil {
		f.add("filter", "create_time: WatchMessages filters by state, channel, template, request_id, user_id, open_id and customer_id only")
	}
	if err := f.err(); err != nil {
		return err
	}
	fol, err := watch.Start(ctx, s.store, tenantOf(ctx), req.Cursor, func(e *store.FeedEvent) bool { return watchMatches(filter, e) })
	if errors.Is(err, watch.ErrBadCursor) {
		return invalidField("cursor", "must be the cursor of an earlier WatchMessages response")
	}
	if err != nil {
		return err
	}
	// The first response is the starting cursor: a client has a resume point (and knows
	// the watch is live) before any event happens.
	if err := stream.Send(&reachv1.WatchMessagesResponse{Cursor: fol.Cursor()}); err != nil {
		return err
	}
	for {
		items, err := fol.Next(ctx)
		if s.stopping() {
			return status.Error(codes.Unavailable, "the server is stopping: reconnect with the last cursor")
		}
		if err != nil {
			return err
		}
		// A watch lasts hours: a key revoked meanwhile must stop it, before anything more
		// is sent (at the latest at the next heartbeat when nothing happens).
		if err := s.keyStillValid(ctx); err != nil {
			return err
		}
		if len(items) == 0 {
			if err := stream.Send(&reachv1.WatchMessagesResponse{Cursor: fol.Cursor()}); err != nil {
				return err
			}
			continue
		}
		for _, it := range items {
			e := it.Event
			err := stream.Send(&reachv1.WatchMessagesResponse{Message: messageName(e.MessageID), Event: eventToProto(&e.MessageEvent),
				Revision: e.Revision, Template: templateName(e.ChannelID, e.TemplateID), RequestId: e.RequestID, Cursor: it.Cursor})
			if err != nil {
				return err
			}
		}
	}
}

// watchMatches applies a ListMessages-style filter to one event of a message.
func watchMatches(f store.MessageFilter, e *store.FeedEvent) bool {
	return (f.State == "" || f.State == e.State) && (f.ChannelID == "" || f.ChannelID == e.ChannelID) &&
		(f.TemplateID == "" || f.TemplateID == e.TemplateID) && (f.RequestID == "" || f.RequestID == e.RequestID) &&
		(f.Recipient.ID == "" || (f.Recipient.ID == e.Recipient.ID && (f.Recipient.Kind == "" || f.Recipient.Kind == e.Recipient.Kind)))
}
