package server

import (
	"context"
	"fmt"

	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
	"github.com/reachhq/reach/store"
)

// templateService implements reachv1.TemplateServiceServer.
type templateService struct {
	reachv1.UnimplementedTemplateServiceServer
	*deps
}

func (s *templateService) CreateTemplate(ctx context.Context, req *reachv1.CreateTemplateRequest) (*reachv1.CreateTemplateResponse, error) {
	if req.Template == nil {
		return nil, invalidField("template", "required")
	}
	ch, err := s.getChannel(ctx, "parent", req.Parent)
	if err != nil {
		return nil, err
	}
	out, err := s.createTemplate(ctx, ch, req.TemplateId, req.Template, "template.")
	return &reachv1.CreateTemplateResponse{Template: out}, err
}

// createTemplate validates t against its channel and stores it; fields are reported under p.
func (s *templateService) createTemplate(ctx context.Context, ch *store.Channel, id string, t *reachv1.Template, p string) (*reachv1.Template, error) {
	var f fieldErrors
	id = chooseID(&f, "template_id", id)
	checkTemplate(&f, p, t, ch.Type)
	if err := f.err(); err != nil {
		return nil, err
	}
	rec := &store.Template{TenantID: ch.TenantID, ChannelID: ch.ID, ID: id, State: "ACTIVE"}
	if err := templateToRecord(t, rec); err != nil {
		return nil, err
	}
	if err := s.store.CreateTemplate(ctx, rec); err != nil {
		return nil, fmt.Errorf("template %q (external id %q): %w", templateName(ch.ID, id), t.ExternalId, err)
	}
	return templateToProto(rec)
}

func (s *templateService) GetTemplate(ctx context.Context, req *reachv1.GetTemplateRequest) (*reachv1.GetTemplateResponse, error) {
	rec, err := s.getTemplate(ctx, "name", req.Name)
	if err != nil {
		return nil, err
	}
	out, err := templateToProto(rec)
	return &reachv1.GetTemplateResponse{Template: out}, err
}

// getTemplate loads the template named in field of the request.
func (d *deps) getTemplate(ctx context.Context, field, name string) (*store.Template, error) {
	var f fieldErrors
	chID, id := templateRef(&f, field, name)
	if err := f.err(); err != nil {
		return nil, err
	}
	rec, err := d.store.GetTemplate(ctx, tenantOf(ctx), chID, id)
	if err != nil {
		return nil, fmt.Errorf("template %q: %w", name, err)
	}
	return rec, nil
}

func (s *templateService) ListTemplates(ctx context.Context, req *reachv1.ListTemplatesRequest) (*reachv1.ListTemplatesResponse, error) {
	ch, err := s.getChannel(ctx, "parent", req.Parent)
	if err != nil {
		return nil, err
	}
	var f fieldErrors
	p := page(&f, req.PageSize, req.PageToken)
	var filter store.TemplateFilter
	terms, ferr := parseFilter(req.Filter, map[string][]string{"state": {"="}, "external_id": {"="}})
	if ferr != nil {
		f.add("filter", ferr.Error())
	}
	for _, t := range terms {
		if t.Field == "external_id" {
			filter.ExternalID = t.Value
		} else if filter.State, ferr = enumValue("TEMPLATE_STATE_", t.Value, templateStates); ferr != nil {
			f.add("filter", "state: "+ferr.Error())
		}
	}
	if err := f.err(); err != nil {
		return nil, err
	}
	recs, next, err := s.store.ListTemplates(ctx, ch.TenantID, ch.ID, filter, p)
	if err != nil {
		return nil, listErr(err, req.Filter)
	}
	resp := &reachv1.ListTemplatesResponse{NextPageToken: next}
	for _, r := range recs {
		t, err := templateToProto(r)
		if err != nil {
			return nil, err
		}
		resp.Templates = append(resp.Templates, t)
	}
	return resp, nil
}

func (s *templateService) DeleteTemplate(ctx context.Context, req *reachv1.DeleteTemplateRequest) (*reachv1.DeleteTemplateResponse, error) {
	rec, err := s.getTemplate(ctx, "name", req.Name)
	if err != nil {
		return nil, err
	}
	if err := checkEtag(req.Etag, rec.Revision); err != nil {
		return nil, err
	}
	if err := s.store.DeleteTemplate(ctx, rec.TenantID, rec.ChannelID, rec.ID); err != nil {
		return nil, fmt.Errorf("template %q: %w", req.Name, err)
	}
	return &reachv1.DeleteTemplateResponse{}, nil
}
