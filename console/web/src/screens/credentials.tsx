// The credential fields of a channel, for create and rotate: Open Platform apps in key mode
// (Alipay's public key) or certificate mode (three certificates), or Alipay+ merchants.
// Keys are pasted as PEM and never shown again: the API returns only fingerprints.
import type { Schemas } from "../api";
import { Area, Select, Text, type Errors } from "../ui/fields";

export type Mode = "key" | "cert";

export interface Creds {
  appId: string;
  privateKey: string;
  alipayPublicKey: string;
  appPublicCert: string;
  alipayPublicCert: string;
  alipayRootCert: string;
  encryptKey: string;
  gatewayUrl: string;
  // Alipay+
  clientId: string;
  platformPublicKey: string;
  keyVersion: string;
  authClientId: string;
  customerBelongsTo: string;
}

export const emptyCreds: Creds = {
  appId: "", privateKey: "", alipayPublicKey: "", appPublicCert: "", alipayPublicCert: "", alipayRootCert: "",
  encryptKey: "", gatewayUrl: "", clientId: "", platformPublicKey: "", keyVersion: "", authClientId: "", customerBelongsTo: "",
};

const opt = (s: string) => s.trim() || undefined;

export function openPlatform(c: Creds, mode: Mode): Schemas["v1OpenPlatformCredentials"] {
  return {
    appId: opt(c.appId), appPrivateKey: opt(c.privateKey), gatewayUrl: opt(c.gatewayUrl), encryptKey: opt(c.encryptKey),
    ...(mode === "key"
      ? { alipayPublicKey: opt(c.alipayPublicKey) }
      : { appPublicCert: opt(c.appPublicCert), alipayPublicCert: opt(c.alipayPublicCert), alipayRootCert: opt(c.alipayRootCert) }),
  };
}

export function alipayPlus(c: Creds): Schemas["v1AlipayPlusCredentials"] {
  return {
    clientId: opt(c.clientId), merchantPrivateKey: opt(c.privateKey), platformPublicKey: opt(c.platformPublicKey),
    keyVersion: opt(c.keyVersion), appId: opt(c.appId), authClientId: opt(c.authClientId),
    customerBelongsTo: opt(c.customerBelongsTo), gatewayUrl: opt(c.gatewayUrl),
  };
}

const pem = "-----BEGIN PRIVATE KEY-----\n…\n-----END PRIVATE KEY-----";

export function CredentialFields(p: {
  plus: boolean;
  mode: Mode;
  setMode: (m: Mode) => void;
  value: Creds;
  set: (c: Creds) => void;
  errors: Errors;
  rotating?: boolean;
}) {
  const v = p.value;
  const up = (k: keyof Creds) => (x: string) => p.set({ ...v, [k]: x });
  const req = !p.rotating;
  if (p.plus) {
    const e = "alipay_plus.";
    return (
      <fieldset>
        <legend>Alipay+ credentials</legend>
        {!p.rotating && <Text name={e + "client_id"} label="Client-Id" required value={v.clientId} onInput={up("clientId")} errors={p.errors} />}
        {!p.rotating && <Text name={e + "app_id"} label="Mini program app id" required value={v.appId} onInput={up("appId")} errors={p.errors} />}
        <Area name={e + "merchant_private_key"} label="Merchant private key (PEM)" mono required={req} value={v.privateKey} onInput={up("privateKey")} errors={p.errors} placeholder={pem}
          hint="Stored encrypted; never shown again. Only its fingerprint is." />
        <Area name={e + "platform_public_key"} label="Platform public key (PEM or base64)" mono required={req} rows={4} value={v.platformPublicKey} onInput={up("platformPublicKey")} errors={p.errors} />
        <Text name={e + "key_version"} label="Key version" value={v.keyVersion} onInput={up("keyVersion")} errors={p.errors} hint="Empty means 1." />
        {!p.rotating && <Text name={e + "auth_client_id"} label="Auth client id (merchant id at the super app)" value={v.authClientId} onInput={up("authClientId")} errors={p.errors} />}
        {!p.rotating && <Text name={e + "customer_belongs_to"} label="Super app (customerBelongsTo)" value={v.customerBelongsTo} onInput={up("customerBelongsTo")} errors={p.errors} placeholder="ALIPAY_CN, GCASH, TNG…" />}
        <Text name={e + "gateway_url"} label="OpenAPI base URL" required={req} value={v.gatewayUrl} onInput={up("gatewayUrl")} errors={p.errors} placeholder="https://open-sea-global.alipay.com/api/open" />
      </fieldset>
    );
  }
  const e = "open_platform.";
  return (
    <fieldset>
      <legend>Alipay Open Platform credentials (开放平台)</legend>
      {!p.rotating && <Text name={e + "app_id"} label="App id (APPID)" required value={v.appId} onInput={up("appId")} errors={p.errors} placeholder="2021…" />}
      <Area name={e + "app_private_key"} label="App private key (应用私钥, PEM)" mono required={req} value={v.privateKey} onInput={up("privateKey")} errors={p.errors} placeholder={pem}
        hint="Stored encrypted; never shown again. Only its fingerprint is." />
      <Select<Mode> name="mode" label="Signing mode (加签方式)" value={p.mode} onChange={p.setMode}
        options={[["key", "Public key (公钥)"], ["cert", "Public key certificates (公钥证书)"]]} />
      {p.mode === "key" ? (
        <Area name={e + "alipay_public_key"} label="Alipay public key (支付宝公钥, PEM or base64)" mono rows={4} required={req} value={v.alipayPublicKey} onInput={up("alipayPublicKey")} errors={p.errors} />
      ) : (
        <>
          <Area name={e + "app_public_cert"} label="App public key certificate (appCertPublicKey_….crt)" mono rows={4} value={v.appPublicCert} onInput={up("appPublicCert")} errors={p.errors} />
          <Area name={e + "alipay_public_cert"} label="Alipay public key certificate (alipayCertPublicKey_RSA2.crt)" mono rows={4} value={v.alipayPublicCert} onInput={up("alipayPublicCert")} errors={p.errors} />
          <Area name={e + "alipay_root_cert"} label="Alipay root certificate (alipayRootCert.crt)" mono rows={4} value={v.alipayRootCert} onInput={up("alipayRootCert")} errors={p.errors} />
        </>
      )}
      <Text name={e + "encrypt_key"} label="Content encryption key (接口内容加密, AES, optional)" type="password" value={v.encryptKey} onInput={up("encryptKey")} errors={p.errors} />
      <Text name={e + "gateway_url"} label="Gateway URL" value={v.gatewayUrl} onInput={up("gatewayUrl")} errors={p.errors}
        placeholder="https://openapi.alipay.com/gateway.do" hint="Empty means Alipay's production gateway." />
    </fieldset>
  );
}
