package server

import (
	"context"
	"fmt"
	"maps"

	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
	"github.com/reachhq/reach/policy"
	"github.com/reachhq/reach/store"
)

func (s *messageService) BatchSendMessages(ctx context.Context, req *reachv1.BatchSendMessagesRequest) (*reachv1.BatchSendMessagesResponse, error) {
	hash, err := requestHash("BatchSendMessages", req)
	if err != nil {
		return nil, err
	}
	out, replayed, err := s.send(ctx, req.RequestId, hash, func(fresh bool) (*sendPlan, []draft, error) {
		return s.batchMessages(ctx, req, fresh)
	})
	if err != nil {
		return nil, err
	}
	return &reachv1.BatchSendMessagesResponse{Messages: out, Replayed: replayed}, nil
}

// batchMessages validates a BatchSendMessages request and builds its messages.
func (s *messageService) batchMessages(ctx context.Context, req *reachv1.BatchSendMessagesRequest, fresh bool) (*sendPlan, []draft, error) {
	var f fieldErrors
	if n := len(req.Recipients); n == 0 || n > maxBatch {
		f.add("recipients", fmt.Sprintf("required: 1 to %d recipients", maxBatch))
	}
	c := content{colors: req.Colors, localizations: req.Localizations, page: req.Page, lifeAccount: req.LifeAccount}
	p, err := s.plan(ctx, &f, req.RequestId, req.Template, c, req.SendTime, req.ExpireTime, fresh)
	if err != nil {
		return nil, nil, err
	}
	var msgs []draft
	if p != nil && len(req.Recipients) <= maxBatch {
		seen := make(map[store.UserRef]int, len(req.Recipients))
		for i, r := range req.Recipients {
			field := fmt.Sprintf("recipients[%d]", i)
			to := userRef(&f, field+".user", r.GetUser(), p.channel.Type)
			if j, dup := seen[to]; dup && to.ID != "" {
				f.add(field+".user", fmt.Sprintf("same user as recipients[%d]; each user may appear once", j))
			}
			seen[to] = i
			data := maps.Clone(req.Data)
			if data == nil && len(r.GetData()) > 0 {
				data = map[string]string{}
			}
			maps.Copy(data, r.GetData())
			checkRecipientData(&f, field+".data", data, req.Localizations, p)
			if !f.empty() {
				continue // don't build messages for a request that will be rejected
			}
			m, err := p.message(tenantOf(ctx), req.RequestId, i, to, &reachv1.Message{
				Data: data, Colors: req.Colors, Localizations: req.Localizations, Page: req.Page, LifeAccount: req.LifeAccount,
				Category: policy.Category(req.Category)})
			if err != nil {
				return nil, nil, err
			}
			msgs = append(msgs, m)
		}
	}
	if err := f.err(); err != nil {
		return nil, nil, err
	}
	return p, msgs, nil
}
