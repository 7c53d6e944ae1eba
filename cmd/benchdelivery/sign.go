package main

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

func gomaxprocs() int { return runtime.GOMAXPROCS(0) }

// signRate is how many RSA-2048 SHA256withRSA signatures the machine makes per second on
// every core: the work each gateway send costs Reach (and each answer the simulator).
func signRate(d time.Duration) float64 {
	key := signingKey()
	digest := sha256.Sum256([]byte("biz_content={...}&method=alipay.open.public.message.single.send"))
	var n atomic.Int64
	var wg sync.WaitGroup
	deadline := time.Now().Add(d)
	for range gomaxprocs() {
		wg.Go(func() {
			for time.Now().Before(deadline) {
				if _, err := rsa.SignPKCS1v15(nil, key, crypto.SHA256, digest[:]); err != nil {
					panic(err)
				}
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
