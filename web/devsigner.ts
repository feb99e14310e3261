// The local development signer, server side: the mnemonic comes from the environment of the
// dev/preview server (SPICE_DEV_MNEMONIC, else the localnet's LOCAL_MNEMONIC) and never leaves
// this process; the page posts sign bytes and gets a signature. Only enabled with SPICE_DEV_SIGNER=1.
import { Bip39, EnglishMnemonic, Keccak256, Secp256k1, sha256, Slip10, Slip10Curve, stringToPath } from "@cosmjs/crypto";
import { fromBase64, toBase64, toBech32 } from "@cosmjs/encoding";
import { rawSecp256k1PubkeyToRawAddress } from "@cosmjs/amino";

export interface DevKey {
  address: string;
  pubkey: Uint8Array;
  pubkeyType: string;
  sign(signBytes: Uint8Array): Promise<Uint8Array>;
}

/** eth: coin type 60, keccak256 addresses and hashes (Injective); cosmos: coin type 118. */
export async function devKey(mnemonic: string, prefix: string, eth: boolean): Promise<DevKey> {
  const seed = await Bip39.mnemonicToSeed(new EnglishMnemonic(mnemonic.trim()));
  const path = stringToPath(eth ? "m/44'/60'/0'/0/0" : "m/44'/118'/0'/0/0");
  const { privkey } = Slip10.derivePath(Slip10Curve.Secp256k1, seed, path);
  const { pubkey: uncompressed } = await Secp256k1.makeKeypair(privkey);
  const pubkey = Secp256k1.compressPubkey(uncompressed);
  const address = eth
    ? toBech32(prefix, new Keccak256(uncompressed.slice(1)).digest().slice(-20))
    : toBech32(prefix, rawSecp256k1PubkeyToRawAddress(pubkey));
  return {
    address,
    pubkey,
    pubkeyType: eth ? "/injective.crypto.v1beta1.ethsecp256k1.PubKey" : "/cosmos.crypto.secp256k1.PubKey",
    async sign(signBytes) {
      const hash = eth ? new Keccak256(signBytes).digest() : sha256(signBytes);
      const sig = await Secp256k1.createSignature(hash, privkey);
      return new Uint8Array([...sig.r(32), ...sig.s(32)]);
    },
  };
}

export { fromBase64, toBase64 };
