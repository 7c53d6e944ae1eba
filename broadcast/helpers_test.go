package broadcast_test

import (
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/reachhq/reach/appconn"
	"github.com/reachhq/reach/delivery/deliverytest"
	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
	"github.com/reachhq/reach/internal/secrets"
	"github.com/reachhq/reach/store"
	"github.com/reachhq/reach/store/backend"
)

const ringText = "k1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="

// lifeWorld is a migrated store on dsn and a simulated Alipay whose Life Account ("life",
// template "lt1") the first followers users follow.
type lifeWorld struct {
	st   store.Store
	conn *appconn.Connector
	w    *deliverytest.World
	log  *slog.Logger
}

func newLifeWorld(t *testing.T, dsn string, followers int) *lifeWorld {
	t.Helper()
	st, _, err := backend.Open(t.Context(), dsn, backend.Options{AutoMigrate: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	ring, err := secrets.Parse(ringText)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	ep, err := appconn.NewEndpoints(nil, true)
	if err != nil {
		t.Fatal(err)
	}
	conn := appconn.New(st, ring, log, appconn.WithEndpoints(ep))
	w := deliverytest.New(t, st, conn, nil)
	for i := range followers {
		w.Follow(deliverytest.UserID(i))
	}
	return &lifeWorld{st: st, conn: conn, w: w, log: log}
}

// broadcast creates a broadcast of the Life Account template to every follower, starting now.
func (lw *lifeWorld) broadcast(t *testing.T) *store.Broadcast {
	t.Helper()
	payload, err := protojson.Marshal(&reachv1.Message{Data: map[string]string{"keyword1": "sale", "keyword2": "today"}})
	if err != nil {
		t.Fatal(err)
	}
	b := &store.Broadcast{TenantID: lw.w.Tenant, ID: uuid.Must(uuid.NewV7()).String(), ChannelID: "life", TemplateID: "lt1",
		LedgerKind: "FOLLOWER", Payload: payload, StartTime: time.Now(), ExpireTime: time.Now().Add(time.Hour)}
	if _, _, err := lw.st.CreateBroadcast(t.Context(), b); err != nil {
		t.Fatal(err)
	}
	return b
}
