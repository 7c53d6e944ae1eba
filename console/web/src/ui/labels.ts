// Readable names of the API's fields, for errors the form does not show at a field.
export const fieldNames: Record<string, string> = {
  display_name: "Display name",
  external_id: "Alipay template id",
  content: "Pasted text",
  filter: "Filter",
  page_token: "Page",
  update_mask: "Change",
  "open_platform.app_id": "App id",
  "open_platform.app_private_key": "App private key",
  "open_platform.alipay_public_key": "Alipay public key",
  "open_platform.gateway_url": "Gateway URL",
  "alipay_plus.merchant_private_key": "Merchant private key",
  "alipay_plus.platform_public_key": "Platform public key",
};
