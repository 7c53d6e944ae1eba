// Package gateway is the client of the Alipay Open Platform gateway (gateway.do) and the verifier of what Alipay pushes to the app gateway.
//
// It implements the protocol notes (/work/shared/alipay-protocol.md): request
// parameters and RSA2 signing (§1.3, §1.4), raw-bytes response verification
// (§1.5, §1.6), certificate mode with Alipay certificate rotation (§1.7), AES
// content encryption (§1.8) and the notification rules of §3. Every failed
// call returns an *alipayerr.Error.
//
// Decisions where the notes leave a question open:
//
//   - Unsigned failures (open question 5): a body without "sign" is read
//     only when it states a failure — an error_response, or a
//     "<method>_response" whose code is not 10000 (how a rejected request
//     signature may come back) — and is reported as the error it states,
//     wrapping ErrUnsigned, with Alipay's codes kept. Because nothing vouches
//     for it, it is never Verified: it cannot prove credentials, and it
//     cannot mark a template missing or a user unsubscribed (those classes
//     are lowered to Permanent). An unsigned success is always rejected
//     (Auth, ErrBadSignature).
//   - Standard notifications (§3.1, open question 4): sign and sign_type are
//     dropped; if that does not verify and alipay_cert_sn is present, the
//     check is repeated with alipay_cert_sn dropped too, as smartwalle/alipay
//     does. Either form passes only with a valid Alipay signature.
//   - Charset of notifications: values may reach us either already
//     transcoded to UTF-8 or as the raw bytes of the declared charset (what
//     net/http's form parsing gives for charset=GBK). Both byte forms are
//     tried; only a real signature over one of them passes.
//   - Only RSA2 is accepted in notifications; legacy RSA (SHA-1) is refused.
//   - A parameter that occurs twice in a notification is refused, so that
//     the verified string and the value the application reads cannot differ.
//   - Certificate rotation (§1.7) needs the Alipay root certificates, not just
//     their SN: a downloaded certificate is adopted only if its SN is the one
//     the response named and it chains to a configured root at Now.
package gateway
