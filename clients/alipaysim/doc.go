// Package alipaysim is a local Alipay: the Open Platform gateway (gateway.do) and the
// Alipay+ mini-program OpenAPI, with the state behind them, for tests, benchmarks and
// newcomers who cannot reach Alipay.
//
// It is written from the protocol notes (/work/shared/alipay-protocol.md, cited as §n
// below) independently of the Reach clients, so that the two sides cross-check each other:
//
//   - gateway.do verifies requests as §1.4 describes (every parameter but sign, empties
//     dropped, sorted, raw values, SHA256withRSA) with the registered app public key or, in
//     certificate mode, the app certificate (§1.7), and answers with Alipay's public error
//     codes (§1.9);
//   - responses are signed over the exact JSON text of the response value (§1.5–1.6), carry
//     alipay_cert_sn in certificate mode and are AES-encrypted when the request was (§1.8);
//   - Alipay+ requests are verified and answers signed with the Signature header scheme of
//     §4.2–4.3;
//   - templates, one-time and long-term subscriptions, Life Account followers, Alipay+ auth
//     codes and tokens behave as §2, §4 and §5 describe;
//   - per-app rate limits (a signed 40005 / REQUEST_TRAFFIC_EXCEED_LIMIT when exceeded) and
//     latency stand in for Alipay's unpublished limits (§6.1);
//   - an admin API under /sim/ changes that state and those limits, injects faults, sends
//     signed notifications (§3) and reads back every accepted or rate-limited request.
//
// Use New and Start as a server, Handler to mount it elsewhere, or NewTestServer in tests.
// README.md documents the configuration file, the admin API and every decision taken where
// the notes leave a question open.
package alipaysim
