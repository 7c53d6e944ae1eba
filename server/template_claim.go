package server

import (
	"cmp"
	"context"
	"fmt"
	"time"
	"unicode/utf8"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/reachhq/reach/clients/adapter"
	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
	"github.com/reachhq/reach/internal/tmplimport"
)

// claimTimeout bounds the claim call to Alipay.
const claimTimeout = 10 * time.Second

func (s *templateService) ClaimTemplate(ctx context.Context, req *reachv1.ClaimTemplateRequest) (*reachv1.ClaimTemplateResponse, error) {
	ch, err := s.getChannel(ctx, "parent", req.Parent)
	if err != nil {
		return nil, err
	}
	if ch.Type != typeLifeAccount {
		return nil, status.Errorf(codes.FailedPrecondition, "channel %q is %s; templates are claimed on Life Account channels", req.Parent, ch.Type)
	}
	var f fieldErrors
	if req.TemplateId != "" {
		chooseID(&f, "template_id", req.TemplateId)
	}
	checkClaim(&f, req)
	if err := f.err(); err != nil {
		return nil, err
	}
	// Check the id before Alipay creates a template: a claimed template that cannot be
	// stored is lost (Alipay cannot list Life Account templates) and counts against the quota.
	if _, err := s.store.GetTemplate(ctx, ch.TenantID, ch.ID, req.TemplateId); req.TemplateId != "" && err == nil {
		return nil, withReason(codes.AlreadyExists, "ALREADY_EXISTS", fmt.Sprintf("template %q already exists", templateName(ch.ID, req.TemplateId)))
	}
	a, err := s.conn.Adapter(ch)
	if err != nil {
		return nil, err
	}
	claimer, ok := a.(adapter.TemplateClaimer)
	if !ok {
		return nil, status.Error(codes.FailedPrecondition, "this channel's product does not support claiming templates")
	}
	cctx, cancel := context.WithTimeout(ctx, claimTimeout)
	defer cancel()
	claimed, err := claimer.ClaimTemplate(cctx, adapter.ClaimRequest{LibCode: req.LibCode, Keywords: req.Keywords,
		FirstEnabled: req.FirstEnabled, RemarkEnabled: req.RemarkEnabled, ImageEnabled: req.ImageEnabled})
	if err != nil {
		s.noteAlipayVerdict(ctx, ch, nil, err)
		return nil, s.alipayStatus(ctx, "claim template "+req.LibCode, err)
	}
	t := claimedTemplate(claimed, req)
	// The template exists at Alipay now: store it even if the caller goes away.
	wctx, wcancel := context.WithTimeout(context.WithoutCancel(ctx), writeTimeout)
	defer wcancel()
	out, err := s.createTemplate(wctx, ch, req.TemplateId, t, "")
	if err != nil {
		// Say what Alipay created, so the operator can import it instead of losing it.
		s.log.ErrorContext(ctx, "claimed template could not be stored", "alipay_template_id", claimed.TemplateID, "error", err)
		return nil, fmt.Errorf("template claimed at Alipay as %q but not stored (import it with that id): %w", claimed.TemplateID, err)
	}
	return &reachv1.ClaimTemplateResponse{Template: out}, nil
}

func checkClaim(f *fieldErrors, req *reachv1.ClaimTemplateRequest) {
	if req.LibCode == "" || len(req.LibCode) > 128 {
		f.add("lib_code", "required: the library template id from the Life Account console, at most 128 characters")
	}
	if n := len(req.Keywords); n < 2 || n > 5 {
		f.add("keywords", "required: 2 to 5 keyword names")
	}
	seen := map[string]bool{}
	for i, k := range req.Keywords {
		if k == "" || utf8.RuneCountInString(k) > 10 || seen[k] {
			f.add(fmt.Sprintf("keywords[%d]", i), "must be a unique keyword name of at most 10 characters")
		}
		seen[k] = true
	}
	if utf8.RuneCountInString(req.DisplayName) > 200 {
		f.add("display_name", "must be at most 200 characters")
	}
}

// claimedTemplate builds the template to store from Alipay's answer: keywords and title
// come from the returned template JSON; if Alipay returned none that can be read, the
// requested names in order become keyword1..N, which is how claimed templates number them.
func claimedTemplate(c *adapter.ClaimedTemplate, req *reachv1.ClaimTemplateRequest) *reachv1.Template {
	t := &reachv1.Template{ExternalId: c.TemplateID, DisplayName: req.DisplayName}
	la := &reachv1.LifeAccountTemplateOptions{FirstEnabled: req.FirstEnabled, RemarkEnabled: req.RemarkEnabled}
	if p, err := tmplimport.Parse(c.Template); err == nil {
		la.Title, la.FirstEnabled, la.RemarkEnabled = p.Title, p.HasFirst || req.FirstEnabled, p.HasRemark || req.RemarkEnabled
		for _, k := range p.Keywords {
			t.Keywords = append(t.Keywords, &reachv1.TemplateKeyword{Key: k.Key, Label: k.Label})
		}
	} else {
		for i, name := range req.Keywords {
			t.Keywords = append(t.Keywords, &reachv1.TemplateKeyword{Key: fmt.Sprintf("keyword%d", i+1), Label: name})
		}
	}
	if t.DisplayName == "" {
		t.DisplayName = cmp.Or(la.Title, req.LibCode)
	}
	t.Options = &reachv1.Template_LifeAccount{LifeAccount: la}
	return t
}
