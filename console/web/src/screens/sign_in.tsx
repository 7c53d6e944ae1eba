// Sign-in with an API key. The key is sent once and the input cleared: from then on the
// browser holds only the session cookie, which no script can read.
import { useRef, useState } from "preact/hooks";
import { signIn, type Identity } from "../session";

export function SignIn({ notice, onSignedIn }: { notice?: string; onSignedIn: (id: Identity) => void }) {
  const [key, setKey] = useState("");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError("");
    const typed = key;
    setKey("");
    if (input.current) input.current.value = "";
    try {
      onSignedIn(await signIn(typed));
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      input.current?.focus();
    } finally {
      setBusy(false);
    }
  }
  return (
    <main class="signin" id="main">
      <h1>Reach console</h1>
      <p>Sign in with an API key of your tenant. Create one with <code>reach keys create --tenant NAME --role admin</code> (or <code>sender</code>, <code>viewer</code>).</p>
      {notice && <div class="banner ok" role="status">{notice}</div>}
      <form onSubmit={submit}>
        <div class={"field" + (error ? " invalid" : "")}>
          <label for="api-key">API key</label>
          <input id="api-key" ref={input} type="password" name="key" autocomplete="off" spellcheck={false} required
            value={key} aria-invalid={error ? true : undefined} aria-describedby={error ? "signin-err" : "signin-hint"}
            onInput={(e) => setKey(e.currentTarget.value)} />
          <p class="hint" id="signin-hint">The key stays on the server: this browser keeps only a session that ends when you sign out, close the browser, or after 12 hours.</p>
          {error && <p class="field-error" id="signin-err" role="alert">{error}</p>}
        </div>
        <button class="primary" type="submit" disabled={busy}>{busy ? "Signing in…" : "Sign in"}</button>
      </form>
    </main>
  );
}
