package server

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
	"github.com/reachhq/reach/store"
)

// Updatable fields of each credentials message (input fields only; output-only fields are
// computed from these).
var (
	openPlatformFields = []string{"app_id", "app_private_key", "alipay_public_key", "app_public_cert", "alipay_public_cert", "alipay_root_cert", "encrypt_key", "gateway_url"}
	alipayPlusFields   = []string{"client_id", "merchant_private_key", "platform_public_key", "key_version", "app_id", "auth_client_id", "customer_belongs_to", "gateway_url"}
	deliveryFields     = []string{"max_sends_per_second", "max_attempts", "max_per_user_per_day", "at_most_once", "max_in_flight", "burst", "quiet_hours", "frequency_cap", "dedup_window"}
)

func (s *channelService) UpdateChannel(ctx context.Context, req *reachv1.UpdateChannelRequest) (*reachv1.UpdateChannelResponse, error) {
	in := req.Channel
	if in == nil {
		return nil, invalidField("channel", "required")
	}
	if len(req.GetUpdateMask().GetPaths()) == 0 {
		return nil, invalidField("update_mask", "required: name the fields to change, e.g. display_name or open_platform.app_private_key")
	}
	// Retry a lost race only when the client did not pin a version with an etag.
	attempts := conflictAttempts
	if in.Etag != "" {
		attempts = 1
	}
	var rec *store.Channel
	err := retryConflicts(attempts, func() (err error) {
		if rec, err = s.getChannel(ctx, "channel.name", in.Name); err != nil {
			return err
		}
		if err := checkEtag(in.Etag, rec.Revision); err != nil {
			return err
		}
		if err := s.mergeUpdate(ctx, rec, in, req.UpdateMask.Paths); err != nil {
			return err
		}
		if err := s.store.UpdateChannel(ctx, rec); err != nil {
			return fmt.Errorf("channel %q: %w", in.Name, err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out, err := channelToProto(rec)
	return &reachv1.UpdateChannelResponse{Channel: out}, err
}

// mergeUpdate applies the masked fields of in to the stored channel rec, validates the
// result as a whole (secrets included), and re-verifies changed credentials.
func (s *channelService) mergeUpdate(ctx context.Context, rec *store.Channel, in *reachv1.Channel, paths []string) error {
	current, err := channelToProto(rec)
	if err != nil {
		return err
	}
	old, err := s.conn.OpenSecrets(rec)
	if err != nil {
		return err
	}
	merged := withSecrets(current, old)
	var f fieldErrors
	credsChanged := applyChannelMask(&f, merged, in, paths)
	sec := checkChannel(&f, "channel.", merged, s.conn.Endpoints())
	if err := f.err(); err != nil {
		return err
	}
	rec.DisplayName = merged.DisplayName
	if err := s.fillStored(rec, merged, sec); err != nil {
		return err
	}
	if credsChanged && rec.State != "DISABLED" {
		rec.State, rec.StateReason, rec.VerifyTime = "UNVERIFIED", reasonNotVerified, nil
		s.verify(ctx, rec)
	}
	return nil
}

// applyChannelMask copies the masked fields of in into dst and reports whether the
// credentials changed.
func applyChannelMask(f *fieldErrors, dst, in *reachv1.Channel, paths []string) (credsChanged bool) {
	for _, path := range paths {
		path = snakePath(path)
		head, sub, _ := strings.Cut(path, ".")
		switch {
		case path == "display_name":
			dst.DisplayName = in.DisplayName
		case path == "delivery_policy":
			dst.DeliveryPolicy = in.DeliveryPolicy
		case head == "delivery_policy" && slices.Contains(deliveryFields, strings.SplitN(sub, ".", 2)[0]):
			// One policy field, or one field inside one ("quiet_hours.start", as the
			// gateway's mask from a JSON body names it).
			if !copyPath(dst.ProtoReflect(), in.ProtoReflect(), path) {
				f.add("update_mask", fmt.Sprintf("%q cannot be updated (unknown)", path))
			}
		case head == "open_platform" && (sub == "" || slices.Contains(openPlatformFields, sub)):
			credsChanged = true
			if dst.GetOpenPlatform() == nil {
				f.add("update_mask", "open_platform: this channel does not use Open Platform credentials")
				continue
			}
			if sub == "" {
				dst.Credentials = &reachv1.Channel_OpenPlatform{OpenPlatform: proto.Clone(in.GetOpenPlatform()).(*reachv1.OpenPlatformCredentials)}
				if in.GetOpenPlatform() == nil {
					dst.Credentials = &reachv1.Channel_OpenPlatform{OpenPlatform: &reachv1.OpenPlatformCredentials{}}
				}
			} else {
				copyField(dst.GetOpenPlatform(), in.GetOpenPlatform(), sub)
			}
		case head == "alipay_plus" && (sub == "" || slices.Contains(alipayPlusFields, sub)):
			credsChanged = true
			if dst.GetAlipayPlus() == nil {
				f.add("update_mask", "alipay_plus: this channel does not use Alipay+ credentials")
				continue
			}
			if sub == "" {
				dst.Credentials = &reachv1.Channel_AlipayPlus{AlipayPlus: &reachv1.AlipayPlusCredentials{}}
				if in.GetAlipayPlus() != nil {
					dst.Credentials = &reachv1.Channel_AlipayPlus{AlipayPlus: proto.Clone(in.GetAlipayPlus()).(*reachv1.AlipayPlusCredentials)}
				}
			} else {
				copyField(dst.GetAlipayPlus(), in.GetAlipayPlus(), sub)
			}
		case path == "type":
			f.add("update_mask", "type is immutable: create a new channel instead")
		default:
			f.add("update_mask", fmt.Sprintf("%q cannot be updated (output only or unknown)", path))
		}
	}
	return credsChanged
}

// copyPath copies the field at path (field names joined by dots) from src to dst, creating
// the messages on the way in dst; a field src leaves unset is cleared. False when path
// names no field, or goes inside a list or a map.
func copyPath(dst, src protoreflect.Message, path string) bool {
	name, rest, nested := strings.Cut(path, ".")
	fd := dst.Descriptor().Fields().ByName(protoreflect.Name(name))
	if fd == nil {
		return false
	}
	if !nested {
		if src.IsValid() && src.Has(fd) {
			dst.Set(fd, src.Get(fd))
		} else {
			dst.Clear(fd)
		}
		return true
	}
	if fd.Message() == nil || fd.IsList() || fd.IsMap() || fd.Message().Fields().ByName(protoreflect.Name(strings.SplitN(rest, ".", 2)[0])) == nil {
		return false
	}
	return copyPath(dst.Mutable(fd).Message(), src.Get(fd).Message(), rest)
}

// copyField sets the named field of dst to its value in src (the zero value when src is nil).
func copyField[M proto.Message](dst, src M, name string) {
	d := dst.ProtoReflect()
	fd := d.Descriptor().Fields().ByName(protoreflect.Name(name))
	s := src.ProtoReflect()
	if !s.IsValid() || !s.Has(fd) {
		d.Clear(fd)
		return
	}
	d.Set(fd, s.Get(fd))
}
