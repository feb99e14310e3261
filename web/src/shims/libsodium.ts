// CosmJS' crypto package bundles libsodium (about 1 MB) for Argon2, Ed25519 and XChaCha20, which
// this app never calls in the browser: Keplr signs, and the dev signer signs in the server. This
// stand-in keeps it out of the bundle and says so if anything ever reaches for it.
const stub: Record<string, unknown> = { ready: Promise.resolve() };
export default new Proxy(stub, {
  get(target, key) {
    if (key in target) return target[key as string];
    if (typeof key === "symbol" || key === "then" || key === "__esModule") return undefined;
    return () => {
      throw new Error(`libsodium.${key} is left out of the SPICE web bundle`);
    };
  },
});
