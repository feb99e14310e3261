// Read a holder's SPICE and the burn accounting; transfer and burn from a connected wallet.
import { getCosmWasmClient, ISigningCosmWasmClient } from "../src/baseClient";
import { SpiceTokenClient, SpiceTokenQueryClient } from "../src/SpiceToken.client";

export async function showHolder(rpc: string, token: string, holder: string): Promise<string> {
  const query = new SpiceTokenQueryClient(getCosmWasmClient(rpc), token);
  const [{ balance }, supply, burned] = await Promise.all([
    query.balance({ address: holder }),
    query.supply(),
    query.burnStats(),
  ]);
  return `${holder}: ${balance} of ${JSON.stringify(supply)}; burned ${JSON.stringify(burned)}`;
}

export async function transferThenBurn(
  signer: ISigningCosmWasmClient,
  sender: string,
  token: string,
  recipient: string,
): Promise<void> {
  const spice = new SpiceTokenClient(signer, sender, token);
  await spice.transfer({ recipient, amount: "1000000" });
  await spice.burn({ amount: "500000" });
}
