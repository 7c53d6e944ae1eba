package server

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/reachhq/reach/appconn"
	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
	"github.com/reachhq/reach/store"
)

// channelService implements reachv1.ChannelServiceServer.
type channelService struct {
	reachv1.UnimplementedChannelServiceServer
	*deps
}

func (s *channelService) CreateChannel(ctx context.Context, req *reachv1.CreateChannelRequest) (*reachv1.CreateChannelResponse, error) {
	var f fieldErrors
	id := chooseID(&f, "channel_id", req.ChannelId)
	c := req.Channel
	if c == nil {
		return nil, invalidField("channel", "required")
	}
	sec := checkChannel(&f, "channel.", c, s.conn.Endpoints())
	if err := f.err(); err != nil {
		return nil, err
	}
	rec := &store.Channel{TenantID: tenantOf(ctx), ID: id, DisplayName: c.DisplayName, Type: channelTypeName(c.Type),
		State: "UNVERIFIED", StateReason: reasonNotVerified}
	if err := s.fillStored(rec, c, sec); err != nil {
		return nil, err
	}
	s.verify(ctx, rec)
	if err := s.store.CreateChannel(ctx, rec); err != nil {
		return nil, fmt.Errorf("channel %q: %w", channelName(id), err)
	}
	out, err := channelToProto(rec)
	return &reachv1.CreateChannelResponse{Channel: out}, err
}

// fillStored writes the validated channel's config and sealed secrets into rec.
func (s *channelService) fillStored(rec *store.Channel, c *reachv1.Channel, sec appconn.Secrets) (err error) {
	if rec.Config, err = appconn.ConfigOf(c); err != nil {
		return err
	}
	rec.Secrets, err = s.conn.SealSecrets(rec.TenantID, rec.ID, sec)
	return err
}

func (s *channelService) GetChannel(ctx context.Context, req *reachv1.GetChannelRequest) (*reachv1.GetChannelResponse, error) {
	rec, err := s.getChannel(ctx, "name", req.Name)
	if err != nil {
		return nil, err
	}
	out, err := channelToProto(rec)
	return &reachv1.GetChannelResponse{Channel: out}, err
}

// getChannel loads the channel named in field of the request.
func (d *deps) getChannel(ctx context.Context, field, name string) (*store.Channel, error) {
	var f fieldErrors
	id := channelRef(&f, field, name)
	if err := f.err(); err != nil {
		return nil, err
	}
	rec, err := d.store.GetChannel(ctx, tenantOf(ctx), id)
	if err != nil {
		return nil, fmt.Errorf("channel %q: %w", name, err)
	}
	return rec, nil
}

func (s *channelService) ListChannels(ctx context.Context, req *reachv1.ListChannelsRequest) (*reachv1.ListChannelsResponse, error) {
	var f fieldErrors
	p := page(&f, req.PageSize, req.PageToken)
	filter := channelFilter(&f, req.Filter)
	if err := f.err(); err != nil {
		return nil, err
	}
	recs, next, err := s.store.ListChannels(ctx, tenantOf(ctx), filter, p)
	if err != nil {
		return nil, listErr(err, req.Filter)
	}
	resp := &reachv1.ListChannelsResponse{NextPageToken: next}
	for _, r := range recs {
		c, err := channelToProto(r)
		if err != nil {
			return nil, err
		}
		resp.Channels = append(resp.Channels, c)
	}
	return resp, nil
}

func channelFilter(f *fieldErrors, filter string) store.ChannelFilter {
	var out store.ChannelFilter
	terms, err := parseFilter(filter, map[string][]string{"type": {"="}, "state": {"="}})
	if err != nil {
		f.add("filter", err.Error())
	}
	for _, t := range terms {
		var err error
		switch t.Field {
		case "type":
			out.Type, err = enumValue("CHANNEL_TYPE_", t.Value, channelTypes)
		case "state":
			out.State, err = enumValue("CHANNEL_STATE_", t.Value, channelStates)
		}
		if err != nil {
			f.add("filter", t.Field+": "+err.Error())
		}
	}
	return out
}

func (s *channelService) DeleteChannel(ctx context.Context, req *reachv1.DeleteChannelRequest) (*reachv1.DeleteChannelResponse, error) {
	rec, err := s.getChannel(ctx, "name", req.Name)
	if err != nil {
		return nil, err
	}
	if err := checkEtag(req.Etag, rec.Revision); err != nil {
		return nil, err
	}
	if err := s.store.DeleteChannel(ctx, rec.TenantID, rec.ID); err != nil {
		return nil, fmt.Errorf("channel %q: %w", req.Name, err)
	}
	return &reachv1.DeleteChannelResponse{}, nil
}

func (s *channelService) VerifyChannel(ctx context.Context, req *reachv1.VerifyChannelRequest) (*reachv1.VerifyChannelResponse, error) {
	out, err := s.changeState(ctx, req.Name, func(c *store.Channel) error {
		if c.State == "DISABLED" {
			return status.Errorf(codes.FailedPrecondition, "channel %q is DISABLED: enable it, which verifies it", req.Name)
		}
		s.verify(ctx, c)
		return nil
	})
	return &reachv1.VerifyChannelResponse{Channel: out}, err
}

func (s *channelService) DisableChannel(ctx context.Context, req *reachv1.DisableChannelRequest) (*reachv1.DisableChannelResponse, error) {
	if utf8.RuneCountInString(req.Reason) > 500 {
		return nil, invalidField("reason", "must be at most 500 characters")
	}
	reason := strings.TrimSpace(req.Reason)
	if reason == "" {
		reason = "disabled by an operator"
	}
	out, err := s.changeState(ctx, req.Name, func(c *store.Channel) error {
		c.State, c.StateReason = "DISABLED", reason
		return nil
	})
	return &reachv1.DisableChannelResponse{Channel: out}, err
}

func (s *channelService) EnableChannel(ctx context.Context, req *reachv1.EnableChannelRequest) (*reachv1.EnableChannelResponse, error) {
	out, err := s.changeState(ctx, req.Name, func(c *store.Channel) error {
		if c.State != "DISABLED" {
			return status.Errorf(codes.FailedPrecondition, "channel %q is %s, not DISABLED", req.Name, c.State)
		}
		c.State, c.StateReason = "UNVERIFIED", reasonNotVerified
		s.verify(ctx, c)
		return nil
	})
	return &reachv1.EnableChannelResponse{Channel: out}, err
}

// changeState applies change to the stored channel with optimistic concurrency, retrying
// when another writer got in between.
func (s *channelService) changeState(ctx context.Context, name string, change func(*store.Channel) error) (*reachv1.Channel, error) {
	var rec *store.Channel
	err := retryConflicts(conflictAttempts, func() (err error) {
		if rec, err = s.getChannel(ctx, "name", name); err != nil {
			return err
		}
		if err := change(rec); err != nil {
			return err
		}
		if err := s.store.UpdateChannel(ctx, rec); err != nil {
			return fmt.Errorf("channel %q: %w", name, err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return channelToProto(rec)
}
