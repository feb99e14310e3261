// The connection to the chain: a CosmJS query client the generated clients in ../ts speak
// through, and a signing client from Keplr (production) or the local development signer.
import { CosmWasmClient, SigningCosmWasmClient } from "@cosmjs/cosmwasm-stargate";
import { Comet38Client, Tendermint34Client, Tendermint37Client, type CometClient } from "@cosmjs/tendermint-rpc";
import { QueryClient, GasPrice, isDeliverTxFailure } from "@cosmjs/stargate";
import { makeAuthInfoBytes, makeSignBytes, makeSignDoc } from "@cosmjs/proto-signing";
import { fromBase64, toBase64, toUtf8 } from "@cosmjs/encoding";
import { BaseAccount } from "cosmjs-types/cosmos/auth/v1beta1/auth";
import { QueryAccountRequest, QueryAccountResponse } from "cosmjs-types/cosmos/auth/v1beta1/query";
import { PubKey } from "cosmjs-types/cosmos/crypto/secp256k1/keys";
import { TxBody, TxRaw, AuthInfo, Fee } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { SimulateRequest, SimulateResponse } from "cosmjs-types/cosmos/tx/v1beta1/service";
import { SignerInfo, ModeInfo } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { SignMode } from "cosmjs-types/cosmos/tx/signing/v1beta1/signing";
import { MsgExecuteContract } from "cosmjs-types/cosmwasm/wasm/v1/tx";
import { BinaryReader } from "cosmjs-types/binary";
import type { ICosmWasmClient, ISigningCosmWasmClient } from "../../ts/src/baseClient";
import type { AppConfig } from "./config";

export interface Coin {
  denom: string;
  amount: string;
}

export interface Chain {
  cfg: AppConfig;
  tm: CometClient;
  query: CosmWasmClient;
  rpcUrl: string;
  /** Seconds per block, measured over the last 100 blocks. */
  blockSeconds: number;
}

export function absoluteRpc(rpc: string): string {
  return new URL(rpc, window.location.href).toString().replace(/\/$/, "");
}

/**
 * CosmJS 0.32's `connectComet` knows 0.34/0.37/0.38 and treats anything else as 0.34, whose
 * base64 event decoding breaks on CometBFT 1.x (Injective 1.20, Osmosis 30): 1.x speaks 0.38's RPC.
 */
export function cometFlavour(version: string): "34" | "37" | "38" {
  if (version.startsWith("0.34.")) return "34";
  if (version.startsWith("0.37.")) return "37";
  return "38";
}

async function connectTendermint(url: string): Promise<CometClient> {
  const probe = await Tendermint37Client.connect(url);
  const version = (await probe.status()).nodeInfo.version;
  probe.disconnect();
  const flavour = cometFlavour(version);
  if (flavour === "34") return Tendermint34Client.connect(url);
  if (flavour === "37") return Tendermint37Client.connect(url);
  return Comet38Client.connect(url);
}

export async function connectChain(cfg: AppConfig): Promise<Chain> {
  const rpcUrl = absoluteRpc(cfg.rpc);
  const tm = await connectTendermint(rpcUrl);
  const query = await CosmWasmClient.create(tm);
  let blockSeconds = 6;
  try {
    const latest = await tm.block();
    const h = latest.block.header.height;
    const back = Math.min(100, h - 1);
    if (back > 0) {
      const old = await tm.block(h - back);
      const dt = latest.block.header.time.getTime() - old.block.header.time.getTime();
      blockSeconds = Math.max(0.1, dt / 1000 / back);
    }
  } catch {
    /* keep the default */
  }
  return { cfg, tm, query, rpcUrl, blockSeconds };
}

export interface Wallet {
  kind: "keplr" | "dev";
  address: string;
  client: ISigningCosmWasmClient;
}

/** A wallet-less page: the generated query clients take this. */
export function queryClient(chain: Chain): ICosmWasmClient {
  return chain.query;
}

declare global {
  interface Window {
    keplr?: {
      enable(chainId: string): Promise<void>;
      getOfflineSigner(chainId: string): unknown;
    };
  }
}

export async function connectKeplr(chain: Chain): Promise<Wallet> {
  if (!window.keplr) throw new Error("Keplr is not installed in this browser");
  await window.keplr.enable(chain.cfg.chain_id);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const signer = window.keplr.getOfflineSigner(chain.cfg.chain_id) as any;
  const [account] = await signer.getAccounts();
  const client = await SigningCosmWasmClient.connectWithSigner(chain.rpcUrl, signer, {
    gasPrice: GasPrice.fromString(chain.cfg.gas_price),
  });
  return { kind: "keplr", address: account.address, client: client as unknown as ISigningCosmWasmClient };
}

/**
 * The local development signer. The mnemonic stays in the dev/preview server's process (it is
 * never in any bundle): the page builds the transaction, the server signs its sign bytes at
 * /__dev-signer/sign. Works with the localnet's Injective keys (eth_secp256k1: keccak256 and an
 * `/injective.crypto.v1beta1.ethsecp256k1.PubKey`), which CosmJS' own wallets do not produce.
 */
export async function connectDevSigner(chain: Chain): Promise<Wallet> {
  const res = await fetch("/__dev-signer/account");
  if (!res.ok) throw new Error("this server offers no development signer");
  const acct = (await res.json()) as { address: string; pubkey: string; pubkey_type: string };
  const execute = async (
    sender: string,
    contract: string,
    msg: unknown,
    _fee?: unknown,
    memo?: string,
    funds?: Coin[],
  ) => {
    const any = {
      typeUrl: "/cosmwasm.wasm.v1.MsgExecuteContract",
      value: MsgExecuteContract.encode(
        MsgExecuteContract.fromPartial({ sender, contract, msg: toUtf8(JSON.stringify(msg)), funds: funds ?? [] }),
      ).finish(),
    };
    const bodyBytes = TxBody.encode(TxBody.fromPartial({ messages: [any], memo: memo ?? "" })).finish();
    const { accountNumber, sequence } = await accountOf(chain, sender);
    const pubkey = {
      typeUrl: acct.pubkey_type,
      value: PubKey.encode({ key: fromBase64(acct.pubkey) }).finish(),
    };
    const gasUsed = await simulate(chain, bodyBytes, pubkey, sequence);
    const gas = Math.ceil(gasUsed * 1.3) + 20_000;
    const price = GasPrice.fromString(chain.cfg.gas_price);
    const feeAmount = ceilDecimalTimes(price.amount.atomics, price.amount.fractionalDigits, BigInt(gas));
    const authInfoBytes = makeAuthInfoBytes(
      [{ pubkey, sequence }],
      [{ denom: price.denom, amount: feeAmount.toString() }],
      gas,
      undefined,
      undefined,
    );
    const signBytes = makeSignBytes(makeSignDoc(bodyBytes, authInfoBytes, chain.cfg.chain_id, accountNumber));
    const signed = await fetch("/__dev-signer/sign", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ sign_bytes: toBase64(signBytes) }),
    });
    if (!signed.ok) throw new Error(`the development signer refused: ${await signed.text()}`);
    const { signature } = (await signed.json()) as { signature: string };
    const txBytes = TxRaw.encode({ bodyBytes, authInfoBytes, signatures: [fromBase64(signature)] }).finish();
    const result = await chain.query.broadcastTx(txBytes, 60_000, 500);
    if (isDeliverTxFailure(result)) throw new Error(result.rawLog ?? `transaction failed with code ${result.code}`);
    return result;
  };
  const client: ISigningCosmWasmClient = {
    queryContractSmart: (a: string, q: unknown) => chain.query.queryContractSmart(a, q as object),
    execute: execute as ISigningCosmWasmClient["execute"],
  };
  return { kind: "dev", address: acct.address, client };
}

function ceilDecimalTimes(atomics: string, fractionalDigits: number, n: bigint): bigint {
  const one = 10n ** BigInt(fractionalDigits);
  return (BigInt(atomics) * n + one - 1n) / one;
}

/** Account number and sequence; Injective's EthAccount wraps the BaseAccount in field 1. */
export async function accountOf(chain: Chain, address: string): Promise<{ accountNumber: number; sequence: number }> {
  const qc = new QueryClient(chain.tm);
  const { value } = await qc.queryAbci(
    "/cosmos.auth.v1beta1.Query/Account",
    QueryAccountRequest.encode({ address }).finish(),
  );
  const any = QueryAccountResponse.decode(value).account;
  if (!any) throw new Error(`account ${address} not found`);
  const base = decodeBaseAccount(any.typeUrl, any.value);
  return { accountNumber: Number(base.accountNumber), sequence: Number(base.sequence) };
}

export function decodeBaseAccount(typeUrl: string, value: Uint8Array): BaseAccount {
  if (typeUrl === "/cosmos.auth.v1beta1.BaseAccount") return BaseAccount.decode(value);
  const reader = new BinaryReader(value);
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    if (tag >>> 3 === 1 && (tag & 7) === 2) return BaseAccount.decode(reader.bytes());
    reader.skipType(tag & 7);
  }
  throw new Error(`cannot read an account of type ${typeUrl}`);
}

async function simulate(
  chain: Chain,
  bodyBytes: Uint8Array,
  pubkey: { typeUrl: string; value: Uint8Array },
  sequence: number,
): Promise<number> {
  const authInfo = AuthInfo.fromPartial({
    signerInfos: [
      SignerInfo.fromPartial({
        publicKey: pubkey,
        sequence: BigInt(sequence),
        modeInfo: ModeInfo.fromPartial({ single: { mode: SignMode.SIGN_MODE_DIRECT } }),
      }),
    ],
    fee: Fee.fromPartial({}),
  });
  const txBytes = TxRaw.encode({
    bodyBytes,
    authInfoBytes: AuthInfo.encode(authInfo).finish(),
    signatures: [new Uint8Array(64)],
  }).finish();
  const qc = new QueryClient(chain.tm);
  const { value } = await qc.queryAbci(
    "/cosmos.tx.v1beta1.Service/Simulate",
    SimulateRequest.encode({ txBytes }).finish(),
  );
  const res = SimulateResponse.decode(value);
  return Number(res.gasInfo?.gasUsed ?? 200_000n);
}

export async function bankBalance(chain: Chain, address: string, denom: string): Promise<string> {
  return (await chain.query.getBalance(address, denom)).amount;
}
