package server

import (
	"context"
	"fmt"
	"slices"

	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
	"github.com/reachhq/reach/store"
)

func (s *webhookService) UpdateWebhook(ctx context.Context, req *reachv1.UpdateWebhookRequest) (*reachv1.UpdateWebhookResponse, error) {
	in := req.Webhook
	if in == nil {
		return nil, invalidField("webhook", "required")
	}
	if len(req.GetUpdateMask().GetPaths()) == 0 {
		return nil, invalidField("update_mask", "required: name the fields to change: url, event_types, description")
	}
	out, err := s.change(ctx, in.Name, in.Etag, func(w *store.Webhook) error {
		merged := webhookToProto(w)
		var f fieldErrors
		for _, path := range req.UpdateMask.Paths {
			switch snakePath(path) {
			case "url":
				merged.Url = in.Url
			case "event_types":
				merged.EventTypes = slices.Clone(in.EventTypes)
			case "description":
				merged.Description = in.Description
			default:
				f.add("update_mask", fmt.Sprintf("%q cannot be updated (output only or unknown; rotate the secret with :rotateSecret)", path))
			}
		}
		checkWebhook(&f, "webhook.", merged, s.webhooks)
		if err := f.err(); err != nil {
			return err
		}
		w.URL, w.EventTypes, w.Description = merged.Url, merged.EventTypes, merged.Description
		return nil
	})
	return &reachv1.UpdateWebhookResponse{Webhook: out}, err
}
