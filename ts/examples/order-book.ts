// A tenant's standing order for one GPU box, and the open orders it shows up among.
import { getCosmWasmClient, ISigningCosmWasmClient } from "../src/baseClient";
import { OrderBookClient, OrderBookQueryClient } from "../src/OrderBook.client";

export async function placeGpuOrder(
  signer: ISigningCosmWasmClient,
  tenant: string,
  book: string,
  denom: string,
  deposit: string,
) {
  const client = new OrderBookClient(signer, tenant, book);
  await client.placeOrder(
    {
      denom,
      maxPricePerBlock: "2.5",
      replicas: 1,
      spec: {
        resources: { cpu_millis: 4000, memory_bytes: 16 * 2 ** 30, storage_bytes: 100 * 2 ** 30 },
      },
    },
    "auto",
    undefined,
    [{ denom, amount: deposit }],
  );
}

export async function openOrders(rpc: string, book: string, tenant: string) {
  return new OrderBookQueryClient(getCosmWasmClient(rpc), book).orders({ tenant, status: "open", limit: 30 });
}
