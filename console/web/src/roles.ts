// What each role may do, as server/auth.go allows it: the console shows no button whose
// call the server would refuse.
import type { Role } from "./session";

export type Action =
  | "manage" // channels, templates, webhooks: admin only
  | "send"; // cancel/re-drive messages, broadcasts, record/sync subscriptions: sender too

export function can(role: Role, action: Action): boolean {
  if (role === "admin") return true;
  return role === "sender" && action === "send";
}
