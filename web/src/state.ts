// Chain answers → what the pages draw. Pure: unit-tested in state.test.ts.
import { formatUnits, parseUnits } from "./format";
import type { BuybackRecord } from "../../ts/src/BuybackBurn.types";
import type { DepthResponse } from "../../ts/src/OrderBook.types";

/** The buyback history as a cumulative burn series, oldest first. */
export function cumulativeBurns(records: BuybackRecord[], decimals: number) {
  const sorted = [...records].sort((a, b) => a.id - b.id);
  let total = 0n;
  return sorted.map((r) => {
    total += BigInt(r.spice_burned);
    return {
      id: r.id,
      label: new Date(r.time * 1000).toISOString().slice(5, 16).replace("T", " "),
      burned: Number(formatUnits(r.spice_burned, decimals, decimals).replace(/,/g, "")),
      cumulative: Number(formatUnits(total, decimals, decimals).replace(/,/g, "")),
    };
  });
}

/** Depth for one resource class → rows for a chart: bids (orders) and asks (offers) per price. */
export function depthRows(depth: DepthResponse, priceDecimals: number) {
  const rows = new Map<string, { price: string; priceValue: number; bids: number; asks: number }>();
  const add = (price: string, side: "bids" | "asks", units: number) => {
    const key = parseUnits(price, 18).toString();
    const shown = formatUnits(parseUnits(price, 18), 18 + priceDecimals, 8);
    const row = rows.get(key) ?? { price: shown, priceValue: Number(price), bids: 0, asks: 0 };
    row[side] += units;
    rows.set(key, row);
  };
  depth.bids.forEach((l) => add(l.price_per_block, "bids", l.units));
  depth.asks.forEach((l) => add(l.price_per_block, "asks", l.units));
  return [...rows.values()].sort((a, b) => a.priceValue - b.priceValue);
}

/** Lease status (a string or a tagged object) → words. */
export function leaseStatusText(status: unknown): string {
  if (typeof status === "string") return status;
  if (status && typeof status === "object" && "insufficient_funds" in status) {
    return `insufficient funds since block ${(status as { insufficient_funds: { since: number } }).insufficient_funds.since}`;
  }
  return JSON.stringify(status);
}

/** Reason codes a tenant may close with (the escrow takes 1–9999 from a tenant). */
export const CLOSE_REASONS: Record<number, string> = {
  1: "no longer needed",
  2: "provider unresponsive",
  3: "price",
  4: "moving to another provider",
};

/**
 * The execute message a DAO proposal carries for one change, in both forms: a CosmWasm
 * `CosmosMsg::Wasm(Execute)` (msg in base64: what a DAO DAO proposal holds) and a gov v1
 * `MsgExecuteContract` sent by the owner (what `tx gov submit-proposal` takes).
 */
export function proposalMessages(contract: string, msg: unknown, owner: string | null | undefined) {
  const json = JSON.stringify(msg);
  const b64 = typeof btoa === "function" ? btoa(unescape(encodeURIComponent(json))) : Buffer.from(json).toString("base64");
  return {
    cosmos_msg: { wasm: { execute: { contract_addr: contract, msg: b64, funds: [] } } },
    gov_v1: {
      messages: [
        { "@type": "/cosmwasm.wasm.v1.MsgExecuteContract", sender: owner ?? "<owner>", contract, msg, funds: [] },
      ],
    },
  };
}

/** Basis points of an amount, rounded down (what a keeper bounty pays). */
export function bpsOf(amount: string, bps: number): bigint {
  return (BigInt(amount) * BigInt(bps)) / 10_000n;
}
