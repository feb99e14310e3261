// A tenant's leases and topping one up before it runs dry.
import { getCosmWasmClient, ISigningCosmWasmClient } from "../src/baseClient";
import { RolloverEscrowClient, RolloverEscrowQueryClient } from "../src/RolloverEscrow.client";

export async function leasesOf(rpc: string, escrow: string, tenant: string) {
  return new RolloverEscrowQueryClient(getCosmWasmClient(rpc), escrow).leasesByTenant({ tenant, limit: 30 });
}

export async function topUp(
  signer: ISigningCosmWasmClient,
  tenant: string,
  escrow: string,
  leaseId: number,
  denom: string,
  amount: string,
) {
  await new RolloverEscrowClient(signer, tenant, escrow).deposit({ leaseId }, "auto", undefined, [
    { denom, amount },
  ]);
}
