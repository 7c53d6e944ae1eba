package main

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/reachhq/reach/clients/signer"
)

func gomaxprocs() int { return runtime.GOMAXPROCS(0) }

// The two signing ceilings, in RSA-2048 SHA256withRSA signatures per second on every core.
// goCeiling is Go's crypto/rsa, the ceiling the delivery issue names; reachCeiling is the
// signer Reach and the simulator sign with (clients/signer: OpenSSL where it loads), the work
// each gateway send costs Reach (and each Alipay+ answer the simulator).
func goCeiling(d time.Duration) float64 {
	key := signingKey()
	return signRate(d, func(digest []byte) {
		if _, err := rsa.SignPKCS1v15(nil, key, crypto.SHA256, digest); err != nil {
			panic(err)
		}
	})
}

func reachCeiling(d time.Duration) float64 {
	s := reachSigner()
	return signRate(d, func(content []byte) {
		if _, err := s.Sign(context.Background(), content); err != nil {
			panic(err)
		}
	})
}

func signRate(d time.Duration, sign func([]byte)) float64 {
	content := sha256.Sum256([]byte("biz_content={...}&method=alipay.open.public.message.single.send"))
	var n atomic.Int64
	var wg sync.WaitGroup
	deadline := time.Now().Add(d)
	for range gomaxprocs() {
		wg.Go(func() {
			for time.Now().Before(deadline) {
				sign(content[:])
				n.Add(1)
			}
		})
	}
	wg.Wait()
	return float64(n.Load()) / d.Seconds()
}

var signingKey = sync.OnceValue(func() *rsa.PrivateKey {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return key
})

var reachSigner = sync.OnceValue(func() signer.Signer { return signer.NewRSA(signingKey()) })

// ceilings is both ceilings measured for d each.
type ceilings struct{ goRSA, reach float64 }

func measureCeilings(d time.Duration) ceilings {
	return ceilings{goRSA: goCeiling(d), reach: reachCeiling(d)}
}

func (c ceilings) mean(o ceilings) ceilings {
	return ceilings{goRSA: (c.goRSA + o.goRSA) / 2, reach: (c.reach + o.reach) / 2}
}
