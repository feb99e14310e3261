import { useMemo, useState } from "react";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { Loading, Pager, TxButton, useApp, usePager, useQuery } from "../hooks";
import { useQueries, usePayment } from "../ui";
import { signers } from "../clients";
import { formatAmount, mulDecimalCeil, shortAddress } from "../format";
import { depthRows } from "../state";
import type { Order } from "../../../ts/src/OrderBook.types";

const GIB = 2 ** 30;
const PAGE = 10;

export function OrderBook() {
  const { chain, wallet } = useApp();
  const q = useQueries();
  const pay = usePayment();
  const config = useQuery(() => q.book.config(), []);
  const open = useQuery(() => q.book.orders({ status: "open", limit: 50 }), []);
  const offerPager = usePager<number>();
  const offers = useQuery(() => q.book.offers({ limit: PAGE, startAfter: offerPager.cursor }), [offerPager.cursor]);
  const classes = useMemo(() => {
    const set = new Set<string>();
    open.data?.orders.forEach((o) => set.add(o.resource_class));
    offers.data?.offers.forEach((o) => set.add(o.resource_class));
    return [...set].sort();
  }, [open.data, offers.data]);
  const [picked, setPicked] = useState<string>();
  const cls = picked && classes.includes(picked) ? picked : classes[0];
  const depth = useQuery(
    async () => (cls ? q.book.depth({ denom: pay.denom, resourceClass: cls, limit: 30 }) : undefined),
    [cls, pay.denom],
  );
  const rows = depth.data ? depthRows(depth.data, pay.decimals) : [];

  // place an order
  const [cpu, setCpu] = useState("4000");
  const [mem, setMem] = useState("16");
  const [disk, setDisk] = useState("100");
  const [gpu, setGpu] = useState("0");
  const [price, setPrice] = useState("1000000000000");
  const [replicas, setReplicas] = useState("1");
  const minRunway = BigInt(config.data?.min_runway_blocks ?? 0);
  let deposit = 0n;
  try {
    deposit = mulDecimalCeil(minRunway, price, BigInt(replicas || "0"));
  } catch {
    deposit = 0n;
  }
  const [units, setUnits] = useState("1");
  const [offerPrice, setOfferPrice] = useState("1000000000000");
  const s = wallet ? signers(chain, wallet).book : undefined;
  const spec = () => ({
    resources: {
      cpu_millis: Number(cpu),
      memory_bytes: Math.round(Number(mem) * GIB),
      storage_bytes: Math.round(Number(disk) * GIB),
      ...(Number(gpu) > 0 ? { gpu: { units: Number(gpu) } } : {}),
    },
  });

  return (
    <>
      <h2>Depth per resource class</h2>
      <Loading {...open} />
      <div className="row">
        <label>Resource class{" "}
          <select data-testid="depth-class" value={cls ?? ""} onChange={(e) => setPicked(e.target.value)}>
            {classes.length === 0 && <option value="">none yet</option>}
            {classes.map((c) => <option key={c} value={c}>{c}</option>)}
          </select>
        </label>
        <span className="muted">units per price level; prices in {pay.symbol} per block</span>
      </div>
      <div className="card" data-testid="depth-chart" data-rows={JSON.stringify(rows)}
        data-loaded={String(!open.loading && !offers.loading && !depth.loading)}>
        {rows.length === 0 ? (
          <p className="muted">No open orders or offers in this class.</p>
        ) : (
          <ResponsiveContainer width="100%" height={260}>
            <BarChart data={rows}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="price" fontSize={11} />
              <YAxis allowDecimals={false} fontSize={11} label={{ value: "units", angle: -90, position: "insideLeft" }} />
              <Tooltip />
              <Legend />
              <Bar dataKey="bids" name="bids (orders)" fill="#3a9b52" isAnimationActive={false} />
              <Bar dataKey="asks" name="asks (offers)" fill="#d9822b" isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        )}
      </div>

      <h2>Place an order</h2>
      <div className="row">
        <label>CPU (millis) <input data-testid="order-cpu" value={cpu} onChange={(e) => setCpu(e.target.value)} size={7} /></label>
        <label>Memory (GiB) <input data-testid="order-mem" value={mem} onChange={(e) => setMem(e.target.value)} size={5} /></label>
        <label>Storage (GiB) <input value={disk} onChange={(e) => setDisk(e.target.value)} size={5} /></label>
        <label>GPUs <input value={gpu} onChange={(e) => setGpu(e.target.value)} size={3} /></label>
      </div>
      <div className="row">
        <label>Max price per block (base units) <input data-testid="order-price" value={price} onChange={(e) => setPrice(e.target.value)} size={20} /></label>
        <label>Replicas <input data-testid="order-replicas" value={replicas} onChange={(e) => setReplicas(e.target.value)} size={3} /></label>
        <span data-testid="order-deposit" data-raw={deposit.toString()}>
          deposit {formatAmount(deposit, pay.decimals, pay.symbol)} ({config.data?.min_runway_blocks ?? "…"} blocks × price × replicas)
        </span>
        <TxButton label="Place order" testId="order-place"
          run={() => s!.placeOrder({ denom: pay.denom, maxPricePerBlock: price, replicas: Number(replicas), spec: spec() },
            "auto", undefined, [{ denom: pay.denom, amount: deposit.toString() }])} />
      </div>

      {wallet && <MyOrders tenant={wallet.address} />}

      <h2>Provider offers</h2>
      <div className="row">
        <label>Units <input data-testid="offer-units" value={units} onChange={(e) => setUnits(e.target.value)} size={3} /></label>
        <label>Price per block (base units) <input data-testid="offer-price" value={offerPrice} onChange={(e) => setOfferPrice(e.target.value)} size={20} /></label>
        <span className="muted">capacity: the order form's resources above{config.data?.offer_deposit ? `; deposit ${config.data.offer_deposit.amount}${config.data.offer_deposit.denom}` : ""}</span>
        <TxButton label="Post offer" testId="offer-post"
          run={() => s!.postOffer({ denom: pay.denom, pricePerBlock: offerPrice, units: Number(units), specCapacity: spec() },
            "auto", undefined, config.data?.offer_deposit ? [config.data.offer_deposit] : undefined)} />
      </div>
      <Loading {...offers} />
      {offers.data && (
        <table>
          <thead><tr><th>#</th><th>provider</th><th>class</th><th>price/block</th><th>units left</th><th>status</th><th /></tr></thead>
          <tbody>
            {offers.data.offers.length === 0 && <tr><td colSpan={7} className="muted">no offers</td></tr>}
            {offers.data.offers.map((o) => (
              <tr key={o.id}><td>{o.id}</td><td title={o.provider}>{shortAddress(o.provider)}</td><td>{o.resource_class}</td>
                <td>{o.price_per_block}</td><td>{o.units_left}/{o.units}</td><td>{o.status}</td>
                <td>{wallet?.address === o.provider && o.status === "open" && (
                  <TxButton label="Withdraw" run={() => s!.withdrawOffer({ offerId: o.id })} />
                )}</td></tr>
            ))}
          </tbody>
        </table>
      )}
      {offers.data && (
        <Pager page={offerPager.page} hasNext={offers.data.offers.length === PAGE}
          onNext={() => offerPager.next(offers.data!.offers[PAGE - 1].id)} onPrev={offerPager.prev} />
      )}
    </>
  );
}

function MyOrders({ tenant }: { tenant: string }) {
  const q = useQueries();
  const pager = usePager<number>();
  const orders = useQuery(() => q.book.orders({ tenant, limit: PAGE, startAfter: pager.cursor }), [tenant, pager.cursor]);
  return (
    <>
      <h2>My orders</h2>
      <Loading {...orders} />
      {orders.data && (
        <>
          <table data-testid="my-orders">
            <thead><tr><th>#</th><th>class</th><th>max price/block</th><th>replicas</th><th>deposit</th><th>status</th><th /></tr></thead>
            <tbody>
              {orders.data.orders.length === 0 && <tr><td colSpan={7} className="muted">no orders</td></tr>}
              {orders.data.orders.map((o) => <OrderRow key={o.id} order={o} />)}
            </tbody>
          </table>
          <Pager page={pager.page} hasNext={orders.data.orders.length === PAGE}
            onNext={() => pager.next(orders.data!.orders[PAGE - 1].id)} onPrev={pager.prev} />
        </>
      )}
    </>
  );
}

function OrderRow({ order: o }: { order: Order }) {
  const { chain, wallet } = useApp();
  const pay = usePayment();
  const [price, setPrice] = useState(o.max_price_per_block);
  const s = wallet ? signers(chain, wallet).book : undefined;
  return (
    <tr data-testid={`order-${o.id}`}>
      <td>{o.id}</td><td>{o.resource_class}</td><td>{o.max_price_per_block}</td>
      <td>{o.filled_replicas}/{o.replicas}</td><td>{formatAmount(o.deposit, pay.decimals, pay.symbol)}</td><td>{o.status}</td>
      <td>
        {o.status === "open" && (
          <>
            <input value={price} onChange={(e) => setPrice(e.target.value)} size={14} />
            <TxButton label="Amend price" run={() => s!.amendOrder({ orderId: o.id, maxPricePerBlock: price })} />
            <TxButton label="Cancel" testId={`order-${o.id}-cancel`} run={() => s!.cancelOrder({ orderId: o.id })} />
          </>
        )}
      </td>
    </tr>
  );
}
