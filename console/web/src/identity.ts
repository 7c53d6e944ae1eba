// Who is signed in, for every screen: the role decides which buttons exist.
import { createContext } from "preact";
import { useContext } from "preact/hooks";
import { can, type Action } from "./roles";
import type { Identity } from "./session";

export const IdentityContext = createContext<Identity>({ tenant_id: "", key_id: "", role: "viewer" });

export function useCan(action: Action): boolean {
  return can(useContext(IdentityContext).role, action);
}
