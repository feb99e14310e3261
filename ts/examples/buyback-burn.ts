// Quote a buyback of one inflow denom, then trigger it as a keeper (the bounty is paid in SPICE).
import { getCosmWasmClient, ISigningCosmWasmClient } from "../src/baseClient";
import { BuybackBurnClient, BuybackBurnQueryClient } from "../src/BuybackBurn.client";

export async function buybackIfWorthIt(
  rpc: string,
  signer: ISigningCosmWasmClient,
  keeper: string,
  buyback: string,
  denom: string,
): Promise<boolean> {
  const quote = await new BuybackBurnQueryClient(getCosmWasmClient(rpc), buyback).simulateBuyback({ denom });
  console.log("quote", JSON.stringify(quote));
  await new BuybackBurnClient(signer, keeper, buyback).buyback({ denom });
  return true;
}
