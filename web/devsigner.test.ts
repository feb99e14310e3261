import { describe, expect, it } from "vitest";
import { devKey } from "./devsigner";
import { Keccak256, Secp256k1, Secp256k1Signature } from "@cosmjs/crypto";

const ABANDON = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";

describe("development signer", () => {
  it("derives the localnet deployer's Injective address from the public test mnemonic", async () => {
    const k = await devKey(ABANDON, "inj", true);
    expect(k.address).toBe("inj1npvwllfr9dqr8erajqqr6s0vxnk2ak55re90dz");
    expect(k.pubkeyType).toBe("/injective.crypto.v1beta1.ethsecp256k1.PubKey");
  });
  it("signs keccak256(sign bytes) with a 64-byte r||s signature that verifies", async () => {
    const k = await devKey(ABANDON, "inj", true);
    const bytes = new TextEncoder().encode("sign doc");
    const sig = await k.sign(bytes);
    expect(sig.length).toBe(64);
    const ok = await Secp256k1.verifySignature(Secp256k1Signature.fromFixedLength(sig), new Keccak256(bytes).digest(), k.pubkey);
    expect(ok).toBe(true);
  });
  it("derives a cosmos (coin type 118) key for other chains", async () => {
    const k = await devKey(ABANDON, "osmo", false);
    expect(k.address).toBe("osmo19rl4cm2hmr8afy4kldpxz3fka4jguq0a5m7df8");
  });
});
