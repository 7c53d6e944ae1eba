package server

import (
	"cmp"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"regexp"
	"strings"

	"github.com/reachhq/reach/appconn"
	"github.com/reachhq/reach/clients/gateway"
	"github.com/reachhq/reach/clients/rsakey"
	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
)

var (
	appIDPattern      = regexp.MustCompile(`^[0-9A-Za-z]{1,32}$`)
	keyVersionPattern = regexp.MustCompile(`^[0-9]{1,8}$`)
	belongsToPattern  = regexp.MustCompile(`^[A-Z][A-Z0-9_]{1,31}$`)
	clientIDPattern   = regexp.MustCompile(`^[0-9A-Za-z_.-]{1,128}$`)
)

// checkOpenPlatform validates Open Platform credentials, fills their output-only fields
// (fingerprints, certificate serial numbers) and moves the secrets out of c.
func checkOpenPlatform(f *fieldErrors, p string, c *reachv1.OpenPlatformCredentials, ep *appconn.Endpoints) appconn.Secrets {
	if !appIDPattern.MatchString(c.AppId) {
		f.add(p+"app_id", "required: the Alipay app id, up to 32 letters or digits")
	}
	sec := appconn.Secrets{AppPrivateKey: c.AppPrivateKey, EncryptKey: c.EncryptKey}
	c.AppPrivateKey, c.EncryptKey = "", ""
	c.AppPrivateKeyInfo, c.EncryptKeyInfo = nil, nil
	c.AlipayPublicKeyFingerprint, c.AppCertSn, c.AlipayRootCertSn = "", "", ""

	var appFingerprint string
	if sec.AppPrivateKey == "" {
		f.add(p+"app_private_key", "required: the app's RSA private key (PKCS#1 or PKCS#8, PEM or base64)")
	} else if key, err := rsakey.ParsePrivateKey(sec.AppPrivateKey); err != nil {
		f.add(p+"app_private_key", err.Error())
	} else {
		appFingerprint = rsakey.Fingerprint(rsakey.PublicOf(key))
		c.AppPrivateKeyInfo = &reachv1.SecretInfo{Set: true, Fingerprint: appFingerprint}
	}

	certMode := c.AppPublicCert != "" || c.AlipayPublicCert != "" || c.AlipayRootCert != ""
	switch {
	case certMode && c.AlipayPublicKey != "":
		f.add(p+"alipay_public_key", "set either alipay_public_key (key mode) or the three certificates (certificate mode), not both")
	case certMode:
		checkCertMode(f, p, c, appFingerprint)
	case c.AlipayPublicKey == "":
		f.add(p+"alipay_public_key", "required in key mode (or set app_public_cert, alipay_public_cert and alipay_root_cert for certificate mode)")
	default:
		if pub, err := rsakey.ParsePublicKey(c.AlipayPublicKey); err != nil {
			f.add(p+"alipay_public_key", err.Error())
		} else {
			c.AlipayPublicKeyFingerprint = rsakey.Fingerprint(pub)
			if c.AlipayPublicKeyFingerprint == appFingerprint {
				f.add(p+"alipay_public_key", "this is the app's own public key; paste Alipay's public key (支付宝公钥) from the console")
			}
		}
	}

	if sec.EncryptKey != "" {
		raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(sec.EncryptKey))
		if err != nil || (len(raw) != 16 && len(raw) != 24 && len(raw) != 32) {
			f.add(p+"encrypt_key", "must be the AES key as the console shows it: base64 of 16, 24 or 32 bytes")
		} else {
			c.EncryptKeyInfo = &reachv1.SecretInfo{Set: true, Fingerprint: shortFingerprint(raw)}
		}
	}
	// An empty URL means production, which the operator may not allow either.
	checkGatewayURL(f, p+"gateway_url", cmp.Or(c.GatewayUrl, gateway.DefaultGatewayURL), ep)
	return sec
}

// checkCertMode validates certificate mode and computes the serial numbers Alipay expects.
func checkCertMode(f *fieldErrors, p string, c *reachv1.OpenPlatformCredentials, appFingerprint string) {
	for _, fv := range [][2]string{{"app_public_cert", c.AppPublicCert}, {"alipay_public_cert", c.AlipayPublicCert}, {"alipay_root_cert", c.AlipayRootCert}} {
		if fv[1] == "" {
			f.add(p+fv[0], "required in certificate mode")
		}
	}
	if c.AppPublicCert != "" {
		if certs, err := rsakey.ParseCertificates(c.AppPublicCert); err != nil {
			f.add(p+"app_public_cert", err.Error())
		} else {
			c.AppCertSn = rsakey.CertSN(certs[0])
			if pub, err := rsakey.ParsePublicKey(c.AppPublicCert); err == nil && appFingerprint != "" && rsakey.Fingerprint(pub) != appFingerprint {
				f.add(p+"app_public_cert", "does not belong to app_private_key (the public keys differ)")
			}
		}
	}
	if c.AlipayPublicCert != "" {
		if pub, err := rsakey.ParsePublicKey(c.AlipayPublicCert); err != nil {
			f.add(p+"alipay_public_cert", err.Error())
		} else {
			c.AlipayPublicKeyFingerprint = rsakey.Fingerprint(pub)
		}
	}
	if c.AlipayRootCert != "" {
		if certs, err := rsakey.ParseCertificates(c.AlipayRootCert); err != nil {
			f.add(p+"alipay_root_cert", err.Error())
		} else if sn := rsakey.RootCertSN(certs); sn == "" {
			f.add(p+"alipay_root_cert", "contains no RSA-signed certificate")
		} else {
			c.AlipayRootCertSn = sn
		}
	}
}

// checkAlipayPlus validates Alipay+ credentials like checkOpenPlatform.
func checkAlipayPlus(f *fieldErrors, p string, c *reachv1.AlipayPlusCredentials, ep *appconn.Endpoints) appconn.Secrets {
	sec := appconn.Secrets{MerchantPrivateKey: c.MerchantPrivateKey}
	c.MerchantPrivateKey, c.MerchantPrivateKeyInfo, c.PlatformPublicKeyFingerprint = "", nil, ""
	if !clientIDPattern.MatchString(c.ClientId) {
		f.add(p+"client_id", "required: the Client-Id assigned by the platform (up to 128 characters)")
	}
	if sec.MerchantPrivateKey == "" {
		f.add(p+"merchant_private_key", "required: the merchant's RSA private key")
	} else if key, err := rsakey.ParsePrivateKey(sec.MerchantPrivateKey); err != nil {
		f.add(p+"merchant_private_key", err.Error())
	} else {
		c.MerchantPrivateKeyInfo = &reachv1.SecretInfo{Set: true, Fingerprint: rsakey.Fingerprint(rsakey.PublicOf(key))}
	}
	if c.PlatformPublicKey == "" {
		f.add(p+"platform_public_key", "required: the platform's public key")
	} else if pub, err := rsakey.ParsePublicKey(c.PlatformPublicKey); err != nil {
		f.add(p+"platform_public_key", err.Error())
	} else {
		c.PlatformPublicKeyFingerprint = rsakey.Fingerprint(pub)
	}
	if c.KeyVersion != "" && !keyVersionPattern.MatchString(c.KeyVersion) {
		f.add(p+"key_version", "must be a number")
	}
	if !appIDPattern.MatchString(c.AppId) {
		f.add(p+"app_id", "required: the mini program's app id, up to 32 letters or digits")
	}
	if len(c.AuthClientId) > 128 {
		f.add(p+"auth_client_id", "must be at most 128 characters")
	}
	if c.CustomerBelongsTo != "" && !belongsToPattern.MatchString(c.CustomerBelongsTo) {
		f.add(p+"customer_belongs_to", "must be a super app code such as ALIPAY_CN, ALIPAY_HK, TNG, GCASH")
	}
	if c.GatewayUrl == "" {
		f.add(p+"gateway_url", "required")
	} else {
		checkGatewayURL(f, p+"gateway_url", c.GatewayUrl, ep)
	}
	return sec
}

// checkGatewayURL accepts only the Alipay gateways the operator allows (https, no user
// info; plain http only on an allowed loopback host), so a tenant cannot make Reach post
// signed requests to any other host.
func checkGatewayURL(f *fieldErrors, field, raw string, ep *appconn.Endpoints) {
	if len(raw) > 1024 {
		f.add(field, "must be at most 1024 characters")
	} else if err := ep.Check(raw); err != nil {
		f.add(field, err.Error())
	}
}

// shortFingerprint identifies a symmetric secret without revealing it.
func shortFingerprint(secret []byte) string {
	sum := sha256.Sum256(secret)
	return "SHA256:" + hex.EncodeToString(sum[:8])
}
