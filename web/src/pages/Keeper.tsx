// The work each contract has pending and what it pays, from the same queries `spice keeper` asks.
import { Loading, useApp, useQuery } from "../hooks";
import { useQueries } from "../ui";
import { bpsOf } from "../state";

interface Work {
  contract: string;
  action: string;
  pending: string;
  bounty: string;
}

export function Keeper() {
  const { chain } = useApp();
  const q = useQueries();
  const work = useQuery(async () => {
    const rows: Work[] = [];
    const height = await chain.query.getHeight();
    const [bb, vs, vc, ec, oc] = await Promise.all([
      q.buyback.status({}),
      q.vault.status(),
      q.vault.config(),
      q.escrow.config(),
      q.book.config(),
    ]);
    for (const d of bb.denoms) {
      if (BigInt(d.pending) === 0n) continue;
      const sim = await q.buyback.simulateBuyback({ denom: d.denom });
      rows.push({
        contract: "buyback_burn", action: `buyback ${d.denom}`, pending: `${d.pending} ${d.denom}`,
        bounty: sim.would_execute ? `${sim.bounty} ${d.denom}` : `not now: ${sim.refusal ?? "refused"}`,
      });
    }
    for (const p of vs.proceeds) {
      if (BigInt(p.waiting) === 0n) continue;
      const sim = await q.vault.simulateConvert({ denom: p.denom });
      rows.push({
        contract: "staking_vault", action: `convert ${p.denom}`, pending: `${p.waiting} ${p.denom}`,
        bounty: sim.would_execute ? `${sim.bounty} ${p.denom}` : `not now: ${sim.refusal ?? "refused"}`,
      });
    }
    if (BigInt(vs.books.pending) > 0n) {
      rows.push({ contract: "staking_vault", action: "stake", pending: vs.books.pending, bounty: "none (a duty)" });
    }
    if (BigInt(vs.books.revenue_pending) > 0n) {
      rows.push({
        contract: "staking_vault", action: "harvest", pending: vs.books.revenue_pending,
        bounty: `${bpsOf(vs.books.revenue_pending, vc.keeper_bounty_bps)} (${vc.keeper_bounty_bps} bps)`,
      });
    }
    const low = await q.escrow.leasesBelowThreshold({ runwayBlocks: chain.cfg.low_runway_blocks, limit: 30 });
    for (const l of low.leases) {
      const lease = await q.escrow.lease({ leaseId: l.lease_id });
      rows.push({
        contract: "rollover_escrow",
        action: lease.auto_top_up ? `top_up lease ${l.lease_id}` : `lease ${l.lease_id} runs dry (no auto top-up: alert its tenant)`,
        pending: `${l.runway_blocks} blocks of runway`,
        bounty: lease.auto_top_up ? `${ec.keeper_bounty_bps} bps of what moves` : "—",
      });
    }
    const open = await q.book.orders({ status: "open", limit: 30 });
    const expired = open.orders.filter((o) => o.expires_at != null && o.expires_at <= height);
    if (expired.length) {
      rows.push({ contract: "order_book", action: "expire_orders", pending: `${expired.length} order(s)`, bounty: "none (a duty)" });
    }
    for (const o of open.orders) {
      const depth = await q.book.depth({ denom: o.denom, resourceClass: o.resource_class, limit: 5 });
      const crossing = depth.asks.filter((a) => Number(a.price_per_block) <= Number(o.max_price_per_block));
      if (crossing.length) {
        rows.push({
          contract: "order_book", action: `match_orders (order ${o.id})`, pending: `${crossing.length} crossing ask(s)`,
          bounty: `${bpsOf(o.deposit, oc.keeper_bounty_bps ?? 0)} ${o.denom} (${oc.keeper_bounty_bps ?? 0} bps of the deposit)`,
        });
      }
    }
    return { rows, height };
  }, []);
  return (
    <>
      <Loading {...work} />
      {work.data && (
        <>
          <p className="muted">At height {work.data.height}.</p>
          <table data-testid="keeper-work">
            <thead><tr><th>contract</th><th>work</th><th>pending</th><th>bounty</th></tr></thead>
            <tbody>
              {work.data.rows.length === 0 && <tr><td colSpan={4} className="muted">Nothing to do.</td></tr>}
              {work.data.rows.map((r, i) => (
                <tr key={i}><td>{r.contract}</td><td>{r.action}</td><td>{r.pending}</td><td>{r.bounty}</td></tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </>
  );
}
