// The console's client of Reach's JSON gateway: openapi-fetch over the generated types
// (gen/ts/reach.d.ts), so every path, body and answer is typed by the API itself. Calls go
// to the same origin with the session cookie and the console header; the server turns the
// two into the signed-in key (console/bearer.go), so roles and errors are the API's own.
import createClient from "openapi-fetch";
import type { components, paths } from "../../../gen/ts/reach";

export type Schemas = components["schemas"];
export type Status = Schemas["rpcStatus"];

export const CONSOLE_HEADER = { "X-Reach-Console": "1" } as const;

export const api = createClient<paths>({
  baseUrl: "",
  credentials: "same-origin",
  headers: CONSOLE_HEADER,
});

// A failed call in words: the Status message, and BadRequest field violations by field
// (snake_case paths as the server names them, without the resource's own prefix).
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly fields: Record<string, string> = {},
    readonly alipay?: string,
  ) {
    super(message);
  }
}

// Listeners told when the server says the session is gone (401), so the app signs out.
const onUnauthenticated = new Set<() => void>();
export function whenSignedOut(f: () => void): () => void {
  onUnauthenticated.add(f);
  return () => onUnauthenticated.delete(f);
}

const resourcePrefixes = ["channel.", "template.", "webhook.", "broadcast.", "subscription."];

export function fieldKey(field: string): string {
  for (const p of resourcePrefixes) if (field.startsWith(p)) return field.slice(p.length);
  return field;
}

const httpWords: Record<number, string> = {
  403: "Your role may not do this.",
  404: "It does not exist (any more).",
  409: "It already exists, or it changed meanwhile.",
  429: "Reach is busy; try again in a moment.",
  503: "Reach is not available just now; try again in a moment.",
};

export function toApiError(error: unknown, response: Response): ApiError {
  const st = (error ?? {}) as Status;
  const fields: Record<string, string> = {};
  let alipay: string | undefined;
  for (const d of st.details ?? []) {
    if (d["@type"] === "type.googleapis.com/google.rpc.BadRequest") {
      for (const v of (d.fieldViolations as { field?: string; description?: string }[] | undefined) ?? []) {
        if (v.field) fields[fieldKey(v.field)] = v.description ?? "is not valid";
      }
    }
    if (d["@type"] === "type.googleapis.com/google.rpc.ErrorInfo") {
      const md = (d.metadata ?? {}) as Record<string, string>;
      const parts = [md.code, md.sub_code ?? md.subCode, md.sub_msg ?? md.subMsg ?? md.msg].filter(Boolean);
      if (parts.length) alipay = `Alipay: ${parts.join(" · ")}`;
    }
  }
  // A value the gateway cannot read (a duration "1h", a number "ten") is a field violation
  // like any other, so it shows at its field.
  const message = st.message || httpWords[response.status] || `The call failed (HTTP ${response.status}).`;
  if (response.status === 401) onUnauthenticated.forEach((f) => f());
  return new ApiError(message, response.status, fields, alipay);
}

// unwrap returns a call's data or throws its ApiError.
export async function unwrap<D>(p: Promise<{ data?: D; error?: unknown; response: Response }>): Promise<D> {
  let r: { data?: D; error?: unknown; response: Response };
  try {
    r = await p;
  } catch {
    throw new ApiError("Reach could not be reached. Check your connection and try again.", 0);
  }
  if (r.error !== undefined || !r.response.ok) throw toApiError(r.error, r.response);
  return r.data as D;
}

// id is the last segment of a resource name: "channels/a/templates/b" → "b".
export function id(name: string | undefined): string {
  return (name ?? "").split("/").pop() ?? "";
}
