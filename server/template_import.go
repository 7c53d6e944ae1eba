package server

import (
	"context"
	"errors"

	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
	"github.com/reachhq/reach/internal/tmplimport"
)

// maxImportSize bounds the pasted text.
const maxImportSize = 64 << 10

func (s *templateService) ImportTemplate(ctx context.Context, req *reachv1.ImportTemplateRequest) (*reachv1.ImportTemplateResponse, error) {
	ch, err := s.getChannel(ctx, "parent", req.Parent)
	if err != nil {
		return nil, err
	}
	if len(req.Content) > maxImportSize {
		return nil, invalidField("content", "must be at most 64 KiB")
	}
	parsed, perr := tmplimport.Parse(req.Content)
	if perr != nil {
		var pe *tmplimport.Error
		if errors.As(perr, &pe) {
			return nil, invalidField("content", pe.Error())
		}
		return nil, invalidField("content", perr.Error())
	}
	t := &reachv1.Template{ExternalId: req.ExternalId, DisplayName: req.DisplayName, SubscriptionType: req.SubscriptionType}
	if t.ExternalId == "" {
		t.ExternalId = parsed.TemplateID
	}
	if t.DisplayName == "" {
		t.DisplayName = parsed.Title
	}
	if t.DisplayName == "" {
		t.DisplayName = t.ExternalId
	}
	for _, k := range parsed.Keywords {
		t.Keywords = append(t.Keywords, &reachv1.TemplateKeyword{Key: k.Key, Label: k.Label})
	}
	if ch.Type == typeLifeAccount {
		t.Options = &reachv1.Template_LifeAccount{LifeAccount: &reachv1.LifeAccountTemplateOptions{
			Title: parsed.Title, FirstEnabled: parsed.HasFirst, RemarkEnabled: parsed.HasRemark,
		}}
	}
	var f fieldErrors
	if t.ExternalId == "" {
		f.add("external_id", "required: Alipay's template id (the pasted content does not carry one)")
	}
	// What the importer read but the template rules refuse (a keyword key, a title too long)
	// is reported on the field the caller wrote: content.
	var tf fieldErrors
	checkTemplate(&tf, "", t, ch.Type)
	for _, v := range tf.violations {
		switch v.Field {
		case "external_id":
			if t.ExternalId != "" { // a missing one is reported above, in import's words
				f.add(v.Field, v.Description)
			}
		case "display_name":
			// Left empty with no title in the paste, the name falls back to the template
			// id: when that is missing too, its error above is the one to fix.
			if req.DisplayName != "" || t.ExternalId != "" {
				f.add(v.Field, v.Description)
			}
		case "subscription_type":
			f.add(v.Field, v.Description)
		default:
			f.add("content", v.Field+": "+v.Description)
		}
	}
	if err := f.err(); err != nil {
		return nil, err
	}
	out, err := s.createTemplate(ctx, ch, req.TemplateId, t, "")
	return &reachv1.ImportTemplateResponse{Template: out}, err
}
