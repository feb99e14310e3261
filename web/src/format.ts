// Amounts, decimals and chain errors in words. Pure functions: unit-tested in format.test.ts.

/** Base units (an integer string) → a decimal string with `decimals` places, trailing zeros cut. */
export function formatUnits(base: string | bigint, decimals: number, maxFraction = decimals): string {
  let v = typeof base === "bigint" ? base : BigInt(base || "0");
  const neg = v < 0n;
  if (neg) v = -v;
  const s = v.toString().padStart(decimals + 1, "0");
  const whole = s.slice(0, s.length - decimals) || "0";
  let frac = decimals > 0 ? s.slice(s.length - decimals) : "";
  frac = frac.slice(0, maxFraction).replace(/0+$/, "");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return (neg ? "-" : "") + grouped + (frac ? "." + frac : "");
}

/** Base units with the token's symbol, e.g. `1,234.5 SPICE`. */
export function formatAmount(base: string | bigint, decimals: number, symbol: string, maxFraction = 6): string {
  return `${formatUnits(base, decimals, maxFraction)} ${symbol}`;
}

/** A decimal string typed by a person (`1.5`, `1,000`) → base units. Refuses more places than `decimals`. */
export function parseUnits(text: string, decimals: number): bigint {
  const t = text.trim().replace(/,/g, "");
  if (!/^\d+(\.\d*)?$|^\.\d+$/.test(t)) throw new Error(`"${text}" is not an amount`);
  const [whole, frac = ""] = t.split(".");
  if (frac.length > decimals) throw new Error(`"${text}" has more than ${decimals} decimal places`);
  return BigInt((whole || "0") + frac.padEnd(decimals, "0"));
}

/** cosmwasm_std::Decimal (18 fractional digits) as a string → atomics. */
export function decimalToAtomics(d: string): bigint {
  return parseUnits(d, 18);
}

/** ceil(a × price × n) with price a Decimal string: what a deposit must at least be. */
export function mulDecimalCeil(a: bigint, price: string, n: bigint = 1n): bigint {
  const atomics = decimalToAtomics(price) * a * n;
  const one = 10n ** 18n;
  return (atomics + one - 1n) / one;
}

/** Blocks of runway → words, given seconds per block. */
export function formatDuration(seconds: number): string {
  if (!isFinite(seconds) || seconds < 0) return "—";
  const s = Math.floor(seconds);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${s % 60}s`;
  return `${s}s`;
}

/** A lease's runway: the contract's answer when it runs, else balance / price (not yet streaming). */
export function leaseRunway(lease: { runway_blocks?: number | null; balance: string; price_per_block: string }): number {
  if (lease.runway_blocks != null) return lease.runway_blocks;
  const price = decimalToAtomics(lease.price_per_block);
  if (price === 0n) return 0;
  return Number((BigInt(lease.balance) * 10n ** 18n) / price);
}

/** Fraction of the bar a runway fills, against a full scale (at least the runway itself is shown). */
export function runwayFraction(runway: number, fullScale: number): number {
  if (fullScale <= 0) return 0;
  return Math.max(0, Math.min(1, runway / fullScale));
}

/**
 * An error from CosmJS, the node or a contract → one sentence a person can act on. The chain wraps
 * the contract's message in `failed to execute message; message index: 0: <msg>: execute wasm
 * contract failed`; the words in the middle are what the contract said.
 */
export function chainErrorInWords(err: unknown): string {
  const raw = err instanceof Error ? err.message : String(err);
  const wasm = raw.match(/message index: \d+: (.*?): (execute wasm contract failed|query wasm contract failed)/s);
  if (wasm) return `The contract refused: ${wasm[1]}.`;
  const query = raw.match(/Generic error: (.*?)(: query wasm contract failed|$)/s);
  if (query) return `The contract refused the query: ${query[1]}.`;
  if (/insufficient funds/i.test(raw)) {
    const m = raw.match(/spendable balance ([^\s:]+) is smaller than ([^\s:]+)/);
    return m ? `Not enough funds: you have ${m[1]}, this needs ${m[2]}.` : "Not enough funds for this transaction.";
  }
  if (/account .* not found|does not exist on chain/i.test(raw)) return "This account has never received funds on this chain.";
  if (/Request rejected|rejected by user/i.test(raw)) return "You rejected the transaction in the wallet.";
  if (/Failed to fetch|NetworkError|ECONNREFUSED|socket hang up/i.test(raw)) return "The chain's RPC endpoint cannot be reached.";
  if (/out of gas/i.test(raw)) return "The transaction ran out of gas.";
  return raw.length > 400 ? raw.slice(0, 400) + "…" : raw;
}

/** Shortens a bech32 address for tables: inj1abcd…wxyz. */
export function shortAddress(a: string | null | undefined): string {
  if (!a) return "—";
  return a.length > 20 ? `${a.slice(0, 10)}…${a.slice(-6)}` : a;
}
