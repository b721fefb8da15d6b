import { createPublicKey, verify, type JsonWebKey, type KeyObject } from "node:crypto";

/**
 * A first look at a Bot Framework token, before botbuilder validates it: well-formed, signed by a
 * key the OpenID metadata lists, not expired. botbuilder would refuse such tokens too, but it
 * prints the failure (the whole public key, or a stack trace) to stderr and answers 500 when the
 * keys cannot be fetched; here each refusal is one reason for one log line, and a 401.
 */
export const CHANNEL_ISSUER = "https://api.botframework.com";
export const CHANNEL_OPENID_URL = "https://login.botframework.com/v1/.well-known/openidconfiguration";
export const EMULATOR_OPENID_URL = "https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration";

const ALGORITHMS: Record<string, string> = { RS256: "sha256", RS384: "sha384", RS512: "sha512" };
/** botbuilder's clock tolerance for channel tokens. */
const CLOCK_TOLERANCE_S = 5 * 60;

export class TokenRefused extends Error {}

interface Jwk extends JsonWebKey {
  kid?: string;
}

class KeySet {
  private keys = new Map<string, KeyObject>();
  private fetchedAt = 0;
  private pending: Promise<void> | null = null;
  constructor(private readonly url: string) {}

  async key(kid: string, now: number): Promise<KeyObject | undefined> {
    // Keys are fetched at most once every 5 minutes (also when a token names an unknown key id), and renewed daily.
    const stale = now - this.fetchedAt > 24 * 3600_000 || (!this.keys.has(kid) && now - this.fetchedAt > 5 * 60_000);
    if (stale) await (this.pending ??= this.refresh(now).finally(() => (this.pending = null)));
    return this.keys.get(kid);
  }

  private async refresh(now: number): Promise<void> {
    const get = async (url: string) => {
      const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
      if (!res.ok) throw new TokenRefused(`signing keys not available (${url}: ${res.status})`);
      return (await res.json()) as Record<string, unknown>;
    };
    let jwks: { keys?: Jwk[] };
    try {
      const metadata = await get(this.url);
      if (typeof metadata.jwks_uri !== "string") throw new TokenRefused(`signing keys not available (${this.url}: no jwks_uri)`);
      jwks = (await get(metadata.jwks_uri)) as { keys?: Jwk[] };
    } catch (error) {
      if (error instanceof TokenRefused) throw error;
      throw new TokenRefused(`signing keys not available (${this.url}: ${(error as Error).message})`);
    }
    const keys = new Map<string, KeyObject>();
    for (const jwk of jwks.keys ?? []) {
      if (!jwk.kid || jwk.kty !== "RSA") continue;
      try {
        keys.set(jwk.kid, createPublicKey({ key: { kty: jwk.kty, n: jwk.n, e: jwk.e } as JsonWebKey, format: "jwk" }));
      } catch {
        // A key we cannot read cannot have signed anything we accept.
      }
    }
    this.keys = keys;
    this.fetchedAt = now;
  }
}

function decodePart(part: string): Record<string, unknown> {
  const value = JSON.parse(Buffer.from(part, "base64url").toString("utf8")) as unknown;
  if (!value || typeof value !== "object" || Array.isArray(value)) throw new TokenRefused("malformed token");
  return value as Record<string, unknown>;
}

export class TokenCheck {
  private readonly sets = new Map<string, KeySet>();
  constructor(
    private readonly urls: { channel: string; emulator: string },
    private readonly now: () => number = Date.now,
  ) {}

  /** Resolves when the token deserves botbuilder's validation; throws TokenRefused with the reason otherwise. */
  async check(authorization: string | undefined): Promise<void> {
    const [scheme, token, extra] = (authorization ?? "").split(" ");
    if (scheme !== "Bearer" || !token || extra !== undefined) throw new TokenRefused("no bearer token");
    const parts = token.split(".");
    if (parts.length !== 3) throw new TokenRefused("malformed token");
    let header: Record<string, unknown>;
    let payload: Record<string, unknown>;
    try {
      header = decodePart(parts[0]!);
      payload = decodePart(parts[1]!);
    } catch {
      throw new TokenRefused("malformed token");
    }
    const hash = typeof header.alg === "string" ? ALGORITHMS[header.alg] : undefined;
    if (!hash) throw new TokenRefused(`signing algorithm not allowed (${String(header.alg)})`);
    if (typeof header.kid !== "string") throw new TokenRefused("no key id");
    const url = payload.iss === CHANNEL_ISSUER ? this.urls.channel : this.urls.emulator;
    let set = this.sets.get(url);
    if (!set) this.sets.set(url, (set = new KeySet(url)));
    const now = this.now();
    const key = await set.key(header.kid, now);
    if (!key) throw new TokenRefused("unknown signing key");
    const signed = verify(hash, Buffer.from(`${parts[0]}.${parts[1]}`), key, Buffer.from(parts[2]!, "base64url"));
    if (!signed) throw new TokenRefused("bad signature");
    const seconds = now / 1000;
    if (typeof payload.exp !== "number" || payload.exp + CLOCK_TOLERANCE_S < seconds) throw new TokenRefused("token expired");
    if (typeof payload.nbf === "number" && payload.nbf - CLOCK_TOLERANCE_S > seconds) throw new TokenRefused("token not yet valid");
  }
}
