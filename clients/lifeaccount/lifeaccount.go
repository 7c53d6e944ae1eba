// Package lifeaccount is the Alipay Life Account (生活号) adapter: template messages with
// alipay.open.public.message.single.send and template claims from the library with
// alipay.open.public.template.message.add.
package lifeaccount

import (
	"cmp"
	"context"
	"net/http"

	"github.com/reachhq/reach/clients/adapter"
	"github.com/reachhq/reach/clients/alipayerr"
	"github.com/reachhq/reach/clients/gateway"
	"github.com/reachhq/reach/clients/openplatform"
)

// Adapter sends through one Life Account.
type Adapter struct {
	client *gateway.Client
}

var (
	_ adapter.Adapter         = (*Adapter)(nil)
	_ adapter.TemplateClaimer = (*Adapter)(nil)
)

// New builds the adapter of a Life Account channel.
func New(creds adapter.Credentials, httpClient *http.Client) (*Adapter, error) {
	c, err := openplatform.NewClient(creds, httpClient)
	if err != nil {
		return nil, err
	}
	return &Adapter{client: c}, nil
}

// Verify queries the Life Account's own information.
func (a *Adapter) Verify(ctx context.Context) error {
	return openplatform.Verify(ctx, a.client, "alipay.open.public.info.query")
}

// defaultColor is a keyword's colour when the message names none (Alipay requires one).
const defaultColor = "#000000"

type keyword struct {
	Value string `json:"value"`
	Color string `json:"color"`
}

// Send delivers a template message (§2.3): the context carries head colour, url, action
// name, and first/keywordN/remark each with a value and a colour.
func (a *Adapter) Send(ctx context.Context, m *adapter.Message) (*adapter.SendResult, error) {
	to, err := openplatform.Recipient(m.Recipient)
	if err != nil {
		return nil, err
	}
	tc := map[string]any{
		"head_color":  cmp.Or(m.HeadColor, m.Template.HeadColor, defaultColor),
		"url":         cmp.Or(m.URL, m.Template.URL),
		"action_name": cmp.Or(m.ActionName, m.Template.ActionName),
	}
	parts := append([]string{"first"}, m.Template.Keys...)
	for _, k := range append(parts, "remark") {
		if v, ok := m.Data[k]; ok {
			tc[k] = keyword{Value: v, Color: cmp.Or(m.Colors[k], defaultColor)}
		}
	}
	biz := map[string]any{to: m.Recipient.ID, "template": map[string]any{"template_id": m.Template.ExternalID, "context": tc}}
	if _, err := a.client.Call(ctx, "alipay.open.public.message.single.send", biz); err != nil {
		return nil, err
	}
	return &adapter.SendResult{}, nil
}

type name struct {
	Name string `json:"name"`
}

// ClaimTemplate claims a library template with the chosen keywords and optional parts.
func (a *Adapter) ClaimTemplate(ctx context.Context, req adapter.ClaimRequest) (*adapter.ClaimedTemplate, error) {
	biz := map[string]any{"lib_code": req.LibCode, "keyword_list": names(req.Keywords)}
	var opts []string
	for _, o := range []struct {
		on   bool
		name string
	}{{req.FirstEnabled, "first"}, {req.RemarkEnabled, "remark"}, {req.ImageEnabled, "image"}} {
		if o.on {
			opts = append(opts, o.name)
		}
	}
	if len(opts) > 0 {
		biz["opt_list"] = names(opts)
	}
	resp, err := a.client.Call(ctx, "alipay.open.public.template.message.add", biz)
	if err != nil {
		return nil, err
	}
	var out struct {
		TemplateID string `json:"template_id"`
		Template   string `json:"template"`
	}
	if err := resp.Decode(&out); err != nil {
		// Alipay claimed the template: claiming again would make a second one.
		return nil, &alipayerr.Error{Class: alipayerr.Permanent, Code: resp.Code, Err: err, Verified: true}
	}
	return &adapter.ClaimedTemplate{TemplateID: out.TemplateID, Template: out.Template}, nil
}

func names(in []string) []name {
	out := make([]name, len(in))
	for i, n := range in {
		out[i] = name{n}
	}
	return out
}
