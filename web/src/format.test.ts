import { describe, expect, it } from "vitest";
import {
  chainErrorInWords, decimalToAtomics, formatAmount, formatDuration, formatUnits, leaseRunway,
  mulDecimalCeil, parseUnits, runwayFraction, shortAddress,
} from "./format";

describe("formatUnits", () => {
  it("places the decimal point and groups thousands", () => {
    expect(formatUnits("1234567890", 6)).toBe("1,234.56789");
    expect(formatUnits("1000000", 6)).toBe("1");
    expect(formatUnits("1", 6)).toBe("0.000001");
    expect(formatUnits("0", 6)).toBe("0");
    expect(formatUnits(10n ** 18n, 18)).toBe("1");
  });
  it("cuts (never rounds up) past maxFraction", () => {
    expect(formatUnits("1999999", 6, 2)).toBe("1.99");
  });
  it("handles zero decimals and negatives", () => {
    expect(formatUnits("1234", 0)).toBe("1,234");
    expect(formatUnits(-1500000n, 6)).toBe("-1.5");
  });
  it("formats with the symbol", () => {
    expect(formatAmount("2500000", 6, "SPICE")).toBe("2.5 SPICE");
    expect(formatAmount("1000000000000000", 18, "INJ")).toBe("0.001 INJ");
  });
});

describe("parseUnits", () => {
  it("is the inverse of formatUnits", () => {
    for (const v of ["0", "1", "999999", "1000000", "123456789012345678901234567890"]) {
      expect(parseUnits(formatUnits(v, 6), 6).toString()).toBe(v);
    }
  });
  it("reads what people type", () => {
    expect(parseUnits("1.5", 6)).toBe(1_500_000n);
    expect(parseUnits(".5", 6)).toBe(500_000n);
    expect(parseUnits("1,000", 6)).toBe(1_000_000_000n);
    expect(parseUnits("0.5", 18)).toBe(5n * 10n ** 17n);
  });
  it("refuses more places than the token has, and non-numbers", () => {
    expect(() => parseUnits("0.0000001", 6)).toThrow(/more than 6 decimal places/);
    expect(() => parseUnits("abc", 6)).toThrow(/not an amount/);
    expect(() => parseUnits("-1", 6)).toThrow(/not an amount/);
    expect(() => parseUnits("", 6)).toThrow(/not an amount/);
  });
});

describe("decimals and deposits", () => {
  it("reads cosmwasm Decimals", () => {
    expect(decimalToAtomics("1")).toBe(10n ** 18n);
    expect(decimalToAtomics("0.25")).toBe(25n * 10n ** 16n);
  });
  it("rounds a required deposit up, in the protocol's favour", () => {
    expect(mulDecimalCeil(14_400n, "2.5", 1n)).toBe(36_000n);
    expect(mulDecimalCeil(3n, "0.333333333333333333", 1n)).toBe(1n);
    expect(mulDecimalCeil(14_400n, "1000000000000000.25", 2n)).toBe(28_800_000_000_000_007_200n);
    expect(mulDecimalCeil(1n, "0.000000000000000001")).toBe(1n);
    expect(mulDecimalCeil(0n, "5")).toBe(0n);
  });
});

describe("runway", () => {
  it("takes the contract's runway when it streams", () => {
    expect(leaseRunway({ runway_blocks: 42, balance: "1000", price_per_block: "1" })).toBe(42);
  });
  it("is balance / price (floored) before the lease streams", () => {
    expect(leaseRunway({ runway_blocks: null, balance: "1000", price_per_block: "3" })).toBe(333);
    expect(leaseRunway({ balance: "10", price_per_block: "0" })).toBe(0);
  });
  it("fills the bar proportionally and clamps", () => {
    expect(runwayFraction(50, 100)).toBe(0.5);
    expect(runwayFraction(500, 100)).toBe(1);
    expect(runwayFraction(5, 0)).toBe(0);
  });
  it("says durations in words", () => {
    expect(formatDuration(59)).toBe("59s");
    expect(formatDuration(61)).toBe("1m 1s");
    expect(formatDuration(3 * 3600 + 120)).toBe("3h 2m");
    expect(formatDuration(2 * 86400 + 3600)).toBe("2d 1h");
    expect(formatDuration(-1)).toBe("—");
  });
});

describe("chain errors in words", () => {
  it("extracts the contract's message", () => {
    const raw =
      "failed to execute message; message index: 0: deposit must be at least 14400inj (runway × max price × replicas); it is 5: execute wasm contract failed";
    expect(chainErrorInWords(new Error(raw))).toBe(
      "The contract refused: deposit must be at least 14400inj (runway × max price × replicas); it is 5.",
    );
  });
  it("explains insufficient funds", () => {
    expect(chainErrorInWords(new Error("spendable balance 10inj is smaller than 20inj: insufficient funds"))).toBe(
      "Not enough funds: you have 10inj, this needs 20inj.",
    );
  });
  it("explains an unreachable node and a rejected signature", () => {
    expect(chainErrorInWords(new TypeError("Failed to fetch"))).toBe("The chain's RPC endpoint cannot be reached.");
    expect(chainErrorInWords(new Error("Request rejected"))).toBe("You rejected the transaction in the wallet.");
  });
  it("keeps other messages, bounded", () => {
    expect(chainErrorInWords("plain")).toBe("plain");
    expect(chainErrorInWords("x".repeat(1000)).length).toBe(401);
  });
});

describe("shortAddress", () => {
  it("shortens long addresses only", () => {
    expect(shortAddress("inj1npvwllfr9dqr8erajqqr6s0vxnk2ak55re90dz")).toBe("inj1npvwll…re90dz");
    expect(shortAddress("abc")).toBe("abc");
    expect(shortAddress(null)).toBe("—");
  });
});
