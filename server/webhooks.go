package server

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
	"github.com/reachhq/reach/store"
)

// webhookService implements reachv1.WebhookServiceServer.
type webhookService struct {
	reachv1.UnimplementedWebhookServiceServer
	*deps
}

func (s *webhookService) CreateWebhook(ctx context.Context, req *reachv1.CreateWebhookRequest) (*reachv1.CreateWebhookResponse, error) {
	var f fieldErrors
	id := chooseID(&f, "webhook_id", req.WebhookId)
	w := req.Webhook
	if w == nil {
		return nil, invalidField("webhook", "required")
	}
	checkWebhook(&f, "webhook.", w, s.webhooks)
	if err := f.err(); err != nil {
		return nil, err
	}
	rec := &store.Webhook{TenantID: tenantOf(ctx), ID: id, URL: w.Url, EventTypes: w.EventTypes,
		Description: w.Description, State: "ENABLED"}
	secret, err := newSigningSecret(s.keys, rec)
	if err != nil {
		return nil, err
	}
	if err := s.store.CreateWebhook(ctx, rec); err != nil {
		return nil, fmt.Errorf("webhook %q: %w", webhookName(id), err)
	}
	return &reachv1.CreateWebhookResponse{Webhook: webhookToProto(rec), SigningSecret: secret}, nil
}

func (s *webhookService) GetWebhook(ctx context.Context, req *reachv1.GetWebhookRequest) (*reachv1.GetWebhookResponse, error) {
	rec, err := s.getWebhook(ctx, "name", req.Name)
	if err != nil {
		return nil, err
	}
	return &reachv1.GetWebhookResponse{Webhook: webhookToProto(rec)}, nil
}

// getWebhook loads the webhook named in field of the request.
func (s *webhookService) getWebhook(ctx context.Context, field, name string) (*store.Webhook, error) {
	var f fieldErrors
	id := webhookRef(&f, field, name)
	if err := f.err(); err != nil {
		return nil, err
	}
	rec, err := s.store.GetWebhook(ctx, tenantOf(ctx), id)
	if err != nil {
		return nil, fmt.Errorf("webhook %q: %w", name, err)
	}
	return rec, nil
}

func (s *webhookService) ListWebhooks(ctx context.Context, req *reachv1.ListWebhooksRequest) (*reachv1.ListWebhooksResponse, error) {
	var f fieldErrors
	p := page(&f, req.PageSize, req.PageToken)
	var filter store.WebhookFilter
	terms, err := parseFilter(req.Filter, map[string][]string{"state": {"="}})
	if err != nil {
		f.add("filter", err.Error())
	}
	for _, t := range terms {
		if filter.State, err = enumValue("WEBHOOK_STATE_", t.Value, webhookStates); err != nil {
			f.add("filter", t.Field+": "+err.Error())
		}
	}
	if err := f.err(); err != nil {
		return nil, err
	}
	recs, next, err := s.store.ListWebhooks(ctx, tenantOf(ctx), filter, p)
	if err != nil {
		return nil, listErr(err, req.Filter)
	}
	resp := &reachv1.ListWebhooksResponse{NextPageToken: next}
	for _, r := range recs {
		resp.Webhooks = append(resp.Webhooks, webhookToProto(r))
	}
	return resp, nil
}

func (s *webhookService) DeleteWebhook(ctx context.Context, req *reachv1.DeleteWebhookRequest) (*reachv1.DeleteWebhookResponse, error) {
	rec, err := s.getWebhook(ctx, "name", req.Name)
	if err != nil {
		return nil, err
	}
	if err := checkEtag(req.Etag, rec.Revision); err != nil {
		return nil, err
	}
	if err := s.store.DeleteWebhook(ctx, rec.TenantID, rec.ID); err != nil {
		return nil, fmt.Errorf("webhook %q: %w", req.Name, err)
	}
	return &reachv1.DeleteWebhookResponse{}, nil
}

func (s *webhookService) RotateWebhookSecret(ctx context.Context, req *reachv1.RotateWebhookSecretRequest) (*reachv1.RotateWebhookSecretResponse, error) {
	var secret string
	out, err := s.change(ctx, req.Name, req.Etag, func(w *store.Webhook) (err error) {
		secret, err = rotateSigningSecret(s.keys, w, s.now())
		return err
	})
	if err != nil {
		return nil, err
	}
	return &reachv1.RotateWebhookSecretResponse{Webhook: out, SigningSecret: secret}, nil
}

func (s *webhookService) DisableWebhook(ctx context.Context, req *reachv1.DisableWebhookRequest) (*reachv1.DisableWebhookResponse, error) {
	if utf8.RuneCountInString(req.Reason) > 500 {
		return nil, invalidField("reason", "must be at most 500 characters")
	}
	reason := strings.TrimSpace(req.Reason)
	if reason == "" {
		reason = "disabled by an operator"
	}
	out, err := s.change(ctx, req.Name, "", func(w *store.Webhook) error {
		w.State, w.StateReason = "DISABLED", reason
		return nil
	})
	return &reachv1.DisableWebhookResponse{Webhook: out}, err
}

func (s *webhookService) EnableWebhook(ctx context.Context, req *reachv1.EnableWebhookRequest) (*reachv1.EnableWebhookResponse, error) {
	out, err := s.change(ctx, req.Name, "", func(w *store.Webhook) error {
		if w.State != "DISABLED" {
			return status.Errorf(codes.FailedPrecondition, "webhook %q is %s, not DISABLED", req.Name, w.State)
		}
		w.State, w.StateReason = "ENABLED", ""
		return nil
	})
	return &reachv1.EnableWebhookResponse{Webhook: out}, err
}

// change applies fn to the stored webhook with optimistic concurrency: a lost race is
// retried unless the client pinned a version with an etag.
func (s *webhookService) change(ctx context.Context, name, sentEtag string, fn func(*store.Webhook) error) (*reachv1.Webhook, error) {
	attempts := conflictAttempts
	if sentEtag != "" {
		attempts = 1
	}
	var rec *store.Webhook
	err := retryConflicts(attempts, func() (err error) {
		if rec, err = s.getWebhook(ctx, "name", name); err != nil {
			return err
		}
		if err := checkEtag(sentEtag, rec.Revision); err != nil {
			return err
		}
		if err := fn(rec); err != nil {
			return err
		}
		if err := s.store.UpdateWebhook(ctx, rec); err != nil {
			return fmt.Errorf("webhook %q: %w", name, err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return webhookToProto(rec), nil
}
