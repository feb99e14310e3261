import { describe, expect, it } from "vitest";
import { bpsOf, cumulativeBurns, depthRows, leaseStatusText, proposalMessages } from "./state";
import { parseConfig } from "./config";
import { cometFlavour, decodeBaseAccount } from "./chain";
import { BaseAccount } from "cosmjs-types/cosmos/auth/v1beta1/auth";
import { BinaryWriter } from "cosmjs-types/binary";

const STATE = {
  network: "local",
  chain_id: "spice-local-1",
  deployer: "inj1npvwllfr9dqr8erajqqr6s0vxnk2ak55re90dz",
  deployment: "spice@448",
  contracts: {
    buyback_burn: { code_id: 8, checksum: "cc", address: "inj1bb" },
    order_book: { code_id: 11, checksum: "f3", address: "inj1ob" },
    provider_incentives: { code_id: 12, checksum: "bd", address: "inj1pi" },
    rollover_escrow: { code_id: 10, checksum: "59", address: "inj1re" },
    spice_token: { code_id: 7, checksum: "5d", address: "inj1st" },
    staking_vault: { code_id: 9, checksum: "8e", address: "inj1sv" },
  },
};

describe("config from the deploy state file", () => {
  it("reads the state file `spice deploy` writes, wrapped with the browser's fields", () => {
    const cfg = parseConfig({ rpc: "/rpc", gas_price: "160000000inj", payment_denom: "inj", dev_signer: true, state: STATE });
    expect(cfg.chain_id).toBe("spice-local-1");
    expect(cfg.network).toBe("local");
    expect(cfg.contracts.rollover_escrow).toBe("inj1re");
    expect(cfg.bech32_prefix).toBe("inj");
    expect(cfg.dev_signer).toBe(true);
    expect(cfg.low_runway_blocks).toBe(600);
  });
  it("reads the bare state file too, never turning the dev signer on by default", () => {
    const cfg = parseConfig(STATE);
    expect(cfg.contracts.spice_token).toBe("inj1st");
    expect(cfg.dev_signer).toBe(false);
    expect(cfg.rpc).toBe("/rpc");
  });
  it("refuses a state file missing a contract", () => {
    const broken = { ...STATE, contracts: { ...STATE.contracts, order_book: undefined } };
    expect(() => parseConfig(broken)).toThrow(/no address for order_book/);
    expect(() => parseConfig({})).toThrow(/chain_id/);
  });
});

describe("burn series", () => {
  it("accumulates burns oldest first", () => {
    const rec = (id: number, burned: string) => ({
      id, spice_burned: burned, time: 1_700_000_000 + id * 60, amount_in: "0", bounty: "0", denom: "uosmo",
      execution_price: "1", height: id, keeper: "k", min_out: "0", spice_out: burned, twap_price: "1",
    });
    const s = cumulativeBurns([rec(2, "2500000"), rec(1, "1000000")], 6);
    expect(s.map((p) => p.cumulative)).toEqual([1, 3.5]);
    expect(s.map((p) => p.burned)).toEqual([1, 2.5]);
  });
});

describe("depth rows", () => {
  it("merges bids and asks per price, sorted", () => {
    const rows = depthRows(
      { bids: [{ price_per_block: "2", units: 3 }, { price_per_block: "1.5", units: 1 }], asks: [{ price_per_block: "2", units: 4 }] },
      0,
    );
    expect(rows.map((r) => [r.priceValue, r.bids, r.asks])).toEqual([[1.5, 1, 0], [2, 3, 4]]);
  });
});

describe("lease status", () => {
  it("says each status in words", () => {
    expect(leaseStatusText("active")).toBe("active");
    expect(leaseStatusText({ insufficient_funds: { since: 7 } })).toBe("insufficient funds since block 7");
  });
});

describe("proposal messages", () => {
  it("carries the execute message in both forms", () => {
    const p = proposalMessages("inj1re", { pause: {} }, "inj1owner");
    expect(p.cosmos_msg.wasm.execute.contract_addr).toBe("inj1re");
    expect(atob(p.cosmos_msg.wasm.execute.msg)).toBe('{"pause":{}}');
    expect(p.gov_v1.messages[0]).toEqual({
      "@type": "/cosmwasm.wasm.v1.MsgExecuteContract", sender: "inj1owner", contract: "inj1re", msg: { pause: {} }, funds: [],
    });
  });
});

describe("keeper bounties", () => {
  it("rounds basis points down", () => {
    expect(bpsOf("10000", 10)).toBe(10n);
    expect(bpsOf("9999", 10)).toBe(9n);
    expect(bpsOf("0", 10)).toBe(0n);
  });
});

describe("accounts", () => {
  it("reads a BaseAccount and one wrapped in field 1 (Injective's EthAccount)", () => {
    const base = BaseAccount.fromPartial({ address: "inj1x", accountNumber: 7n, sequence: 3n });
    const raw = BaseAccount.encode(base).finish();
    expect(decodeBaseAccount("/cosmos.auth.v1beta1.BaseAccount", raw).sequence).toBe(3n);
    const w = new BinaryWriter();
    w.uint32(10).bytes(raw);
    w.uint32(18).bytes(new Uint8Array([1, 2, 3]));
    const eth = decodeBaseAccount("/injective.types.v1beta1.EthAccount", w.finish());
    expect(eth.accountNumber).toBe(7n);
    expect(eth.address).toBe("inj1x");
    expect(() => decodeBaseAccount("/x", new Uint8Array())).toThrow(/cannot read/);
  });
});

describe("CometBFT flavour", () => {
  it("treats CometBFT 1.x as 0.38 (CosmJS 0.32 would fall back to 0.34)", () => {
    expect(cometFlavour("1.0.1")).toBe("38");
    expect(cometFlavour("0.38.17")).toBe("38");
    expect(cometFlavour("0.37.4")).toBe("37");
    expect(cometFlavour("0.34.29")).toBe("34");
  });
});
