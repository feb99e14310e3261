// The app's configuration: the deploy state file `spice deploy` writes (network, chain id and
// contract addresses) plus what a browser needs besides (RPC URL, gas price, denoms). Served as
// /config.json, so one build serves local, testnet and mainnet.

export type ContractName =
  | "spice_token"
  | "buyback_burn"
  | "staking_vault"
  | "rollover_escrow"
  | "order_book"
  | "provider_incentives";

export const CONTRACTS: ContractName[] = [
  "spice_token",
  "buyback_burn",
  "staking_vault",
  "rollover_escrow",
  "order_book",
  "provider_incentives",
];

export interface DenomInfo {
  symbol: string;
  decimals: number;
}

export interface AppConfig {
  network: string;
  chain_id: string;
  /** Tendermint RPC: absolute, or relative to the page (the dev/preview server proxies `/rpc`). */
  rpc: string;
  bech32_prefix: string;
  /** e.g. `160000000inj` or `0.025uosmo`. */
  gas_price: string;
  /** The denom leases and orders are paid in (the first of the deployment's payment denoms). */
  payment_denom: string;
  denoms: Record<string, DenomInfo>;
  contracts: Record<ContractName, string>;
  /** A lease below this many blocks of runway shows a warning. */
  low_runway_blocks: number;
  /** True only when the dev/preview server offers the local development signer. */
  dev_signer: boolean;
}

interface StateFile {
  network: string;
  chain_id: string;
  contracts: Record<string, { address: string; code_id?: number; checksum?: string }>;
}

/** Raw config.json: the state file's fields plus the browser's; `contracts` may be either form. */
export function parseConfig(raw: unknown): AppConfig {
  const r = raw as Partial<AppConfig> & Partial<StateFile> & { state?: StateFile };
  const state = r.state ?? (r as StateFile);
  if (!state || typeof state.chain_id !== "string") throw new Error("config.json: chain_id is missing");
  const contracts = {} as Record<ContractName, string>;
  for (const name of CONTRACTS) {
    const c = (state.contracts ?? {})[name] as unknown;
    const address = typeof c === "string" ? c : (c as { address?: string } | undefined)?.address;
    if (!address) throw new Error(`config.json: no address for ${name}`);
    contracts[name] = address;
  }
  const prefix = r.bech32_prefix ?? contracts.spice_token.slice(0, contracts.spice_token.indexOf("1"));
  return {
    network: state.network ?? r.network ?? "unknown",
    chain_id: state.chain_id,
    rpc: r.rpc ?? "/rpc",
    bech32_prefix: prefix,
    gas_price: r.gas_price ?? "0.025uosmo",
    payment_denom: r.payment_denom ?? "uakt",
    denoms: r.denoms ?? {},
    contracts,
    low_runway_blocks: r.low_runway_blocks ?? 600,
    dev_signer: r.dev_signer === true,
  };
}

export function denomInfo(cfg: AppConfig, denom: string): DenomInfo {
  return cfg.denoms[denom] ?? { symbol: denom, decimals: 0 };
}
