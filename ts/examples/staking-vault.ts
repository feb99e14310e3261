// A keeper's view of the vault: what `status` says, and the quote a convert would get.
import { getCosmWasmClient, ISigningCosmWasmClient } from "../src/baseClient";
import { StakingVaultClient, StakingVaultQueryClient } from "../src/StakingVault.client";

export async function convertQuote(rpc: string, vault: string, denom: string) {
  const query = new StakingVaultQueryClient(getCosmWasmClient(rpc), vault);
  return { status: await query.status(), quote: await query.simulateConvert({ denom }) };
}

export async function stakeAndHarvest(signer: ISigningCosmWasmClient, keeper: string, vault: string) {
  const client = new StakingVaultClient(signer, keeper, vault);
  await client.stake();
  await client.harvest();
}
