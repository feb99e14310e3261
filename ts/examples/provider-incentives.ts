// A provider's pending rewards, and claiming them.
import { getCosmWasmClient, ISigningCosmWasmClient } from "../src/baseClient";
import {
  ProviderIncentivesClient,
  ProviderIncentivesQueryClient,
} from "../src/ProviderIncentives.client";

export async function pending(rpc: string, incentives: string, provider: string) {
  const query = new ProviderIncentivesQueryClient(getCosmWasmClient(rpc), incentives);
  return query.pendingRewards({ provider, limit: 30 });
}

export async function claimAll(signer: ISigningCosmWasmClient, provider: string, incentives: string) {
  await new ProviderIncentivesClient(signer, provider, incentives).claim({});
}
