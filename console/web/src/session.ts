// The console's session API (console/api.go). The key goes to the server once, at
// sign-in; the browser keeps only an HttpOnly cookie it cannot read, so no script on the
// page can ever see the key again.
import { CONSOLE_HEADER } from "./api";

export type Role = "admin" | "sender" | "viewer";

export interface Identity {
  tenant_id: string;
  // The tenant's name, when the server could read it.
  tenant_name?: string;
  key_id: string;
  role: Role;
}

const url = "/console/api/session";

async function message(r: Response): Promise<string> {
  try {
    const body = (await r.json()) as { message?: string };
    if (body.message) return body.message;
  } catch {
    // not JSON: fall through
  }
  return `Sign-in failed (HTTP ${r.status}).`;
}

export async function signIn(key: string): Promise<Identity> {
  let r: Response;
  try {
    r = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { ...CONSOLE_HEADER, "Content-Type": "application/json" },
      body: JSON.stringify({ key }),
    });
  } catch {
    throw new Error("Reach could not be reached. Check your connection and try again.");
  }
  if (!r.ok) throw new Error(await message(r));
  return (await r.json()) as Identity;
}

export async function current(): Promise<Identity | null> {
  try {
    // No session is answered 200 {"signed_in": false}, so the sign-in page logs no error.
    const r = await fetch(url, { credentials: "same-origin", headers: CONSOLE_HEADER });
    if (!r.ok) return null;
    const body = (await r.json()) as Identity & { signed_in?: boolean };
    return body.signed_in ? body : null;
  } catch {
    return null;
  }
}

export async function signOut(): Promise<void> {
  await fetch(url, { method: "DELETE", credentials: "same-origin", headers: CONSOLE_HEADER }).catch(() => undefined);
}
