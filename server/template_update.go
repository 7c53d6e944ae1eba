package server

import (
	"context"
	"fmt"
	"slices"
	"strings"

	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
	"github.com/reachhq/reach/store"
)

// Template fields UpdateTemplate may change.
// subscription_type is not among them: the ledger's rows were counted under it (one-time
// acceptances mean nothing for a long-term template); import a new template instead.
var templateMaskFields = []string{"display_name", "external_id", "keywords", "life_account", "mini_program", "alipay_plus", "state"}

// templateSections are the product options, each of which may also be changed one field
// at a time ("life_account.url"), as the gateway's mask from a body names them.
var templateSections = []string{"life_account", "mini_program", "alipay_plus"}

func (s *templateService) UpdateTemplate(ctx context.Context, req *reachv1.UpdateTemplateRequest) (*reachv1.UpdateTemplateResponse, error) {
	in := req.Template
	if in == nil {
		return nil, invalidField("template", "required")
	}
	if len(req.GetUpdateMask().GetPaths()) == 0 {
		return nil, invalidField("update_mask", "required: name the fields to change")
	}
	rec, err := s.getTemplate(ctx, "template.name", in.Name)
	if err != nil {
		return nil, err
	}
	if err := checkEtag(in.Etag, rec.Revision); err != nil {
		return nil, err
	}
	ch, err := s.store.GetChannel(ctx, rec.TenantID, rec.ChannelID)
	if err != nil {
		return nil, fmt.Errorf("channel of %q: %w", in.Name, err)
	}
	merged, err := templateToProto(rec)
	if err != nil {
		return nil, err
	}
	var f fieldErrors
	for _, path := range req.UpdateMask.Paths {
		path = snakePath(path)
		switch {
		case path == "state":
			s.applyTemplateState(&f, rec, in.State)
		case slices.Contains(templateMaskFields, path):
			copyField(merged, in, path)
		case copySectionField(merged, in, path):
		default:
			f.add("update_mask", fmt.Sprintf("%q cannot be updated (output only or unknown)", path))
		}
	}
	checkTemplate(&f, "template.", merged, ch.Type)
	if err := f.err(); err != nil {
		return nil, err
	}
	if err := templateToRecord(merged, rec); err != nil {
		return nil, err
	}
	if err := s.store.UpdateTemplate(ctx, rec); err != nil {
		return nil, fmt.Errorf("template %q: %w", in.Name, err)
	}
	out, err := templateToProto(rec)
	return &reachv1.UpdateTemplateResponse{Template: out}, err
}

// applyTemplateState lets an operator revive an INVALID template or retire one by hand.
func (s *templateService) applyTemplateState(f *fieldErrors, rec *store.Template, st reachv1.TemplateState) {
	switch st {
	case reachv1.TemplateState_TEMPLATE_STATE_ACTIVE:
		rec.State, rec.StateReason, rec.InvalidTime = "ACTIVE", "", nil
	case reachv1.TemplateState_TEMPLATE_STATE_INVALID:
		if rec.State != "INVALID" {
			now := s.now()
			rec.State, rec.StateReason, rec.InvalidTime = "INVALID", "marked invalid by an operator", &now
		}
	default:
		f.add("template.state", "must be ACTIVE or INVALID")
	}
}

// copySectionField copies one field of a product section ("life_account.url") from in to
// merged, keeping the section's other fields; false when path names no such field. A
// section the template lacks is created (another product's is then refused by
// checkTemplate for the channel's type).
func copySectionField(merged, in *reachv1.Template, path string) bool {
	head, _, ok := strings.Cut(path, ".")
	if !ok || !slices.Contains(templateSections, head) {
		return false
	}
	return copyPath(merged.ProtoReflect(), in.ProtoReflect(), path)
}
