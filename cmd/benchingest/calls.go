package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"

	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
)

// client calls one running Reach over gRPC and over the JSON gateway.
type client struct {
	conn     *grpc.ClientConn
	messages reachv1.MessageServiceClient
	health   healthpb.HealthClient
	http     *http.Client
	base     string // http://host:port
	token    string
	users    []string // recipients that follow the Life Account
	prefix   string   // makes request ids unique across runs
}

const template = "channels/life/templates/lt1"

var data = map[string]string{"keyword1": "order 1", "keyword2": "shipped"}

func newClient(grpcAddr, httpAddr, token string, users []string, callers int) (*client, error) {
	conn, err := grpc.NewClient(grpcAddr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return nil, err
	}
	return &client{
		conn: conn, messages: reachv1.NewMessageServiceClient(conn), health: healthpb.NewHealthClient(conn),
		http: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: callers, MaxConnsPerHost: callers}},
		base: "http://" + httpAddr, token: token, users: users,
	}, nil
}

func (c *client) close() { c.conn.Close(); c.http.CloseIdleConnections() }

func (c *client) authorized(ctx context.Context) context.Context {
	return metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+c.token)
}

func (c *client) requestID(n int64) string { return c.prefix + strconv.FormatInt(n, 10) }

func (c *client) user(n int64) string { return c.users[int(n)%len(c.users)] }

// empty is the baseline: the gRPC health check, which touches neither auth nor store.
func (c *client) empty(ctx context.Context, _ int64) error {
	_, err := c.health.Check(ctx, &healthpb.HealthCheckRequest{})
	return err
}

func (c *client) sendGRPC(ctx context.Context, n int64) error {
	_, err := c.messages.SendMessage(c.authorized(ctx), &reachv1.SendMessageRequest{
		RequestId: c.requestID(n), Template: template,
		Recipient: &reachv1.User{Id: &reachv1.User_UserId{UserId: c.user(n)}}, Data: data,
	})
	return err
}

func (c *client) batchGRPC(size int) call {
	return func(ctx context.Context, n int64) error {
		req := &reachv1.BatchSendMessagesRequest{RequestId: c.requestID(n), Template: template, Data: data}
		for i := range size {
			req.Recipients = append(req.Recipients, &reachv1.Recipient{User: &reachv1.User{Id: &reachv1.User_UserId{UserId: c.user(n*int64(size) + int64(i))}}})
		}
		_, err := c.messages.BatchSendMessages(c.authorized(ctx), req)
		return err
	}
}

func (c *client) sendJSON(ctx context.Context, n int64) error {
	return c.postJSON(ctx, "/v1/messages:send", map[string]any{
		"requestId": c.requestID(n), "template": template, "recipient": map[string]string{"userId": c.user(n)}, "data": data,
	})
}

func (c *client) batchJSON(size int) call {
	return func(ctx context.Context, n int64) error {
		var to []map[string]any
		for i := range size {
			to = append(to, map[string]any{"user": map[string]string{"userId": c.user(n*int64(size) + int64(i))}})
		}
		return c.postJSON(ctx, "/v1/messages:batchSend", map[string]any{
			"requestId": c.requestID(n), "template": template, "recipients": to, "data": data,
		})
	}
}

func (c *client) postJSON(ctx context.Context, path string, body any) error {
	b, err := json.Marshal(body)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+path, bytes.NewReader(b))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %s: %s", path, resp.Status, answer)
	}
	return nil
}
