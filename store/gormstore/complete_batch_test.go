package gormstore

import (
	"slices"
	"testing"

	"github.com/reachhq/reach/store"
)

// A message named twice keeps its later outcomes on the one-by-one path whichever comes
// first, so only the first is applied, as when every outcome took that path.
func TestPlainOutcomes(t *testing.T) {
	ledger := &store.LedgerChange{}
	outs := []*store.Outcome{
		{TenantID: "t", MessageID: "a"},                 // plain
		{TenantID: "t", MessageID: "b", Ledger: ledger}, // has an effect
		{TenantID: "t", MessageID: "b"},                 // plain, but b came first with an effect
		{TenantID: "t", MessageID: "a"},                 // a again
		{TenantID: "u", MessageID: "a"},                 // another tenant's a: plain
	}
	if got := plainOutcomes(outs); !slices.Equal(got, []bool{true, false, false, false, true}) {
		t.Fatalf("plain %v", got)
	}
}
