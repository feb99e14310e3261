import { useState } from "react";
import { Loading, Pager, TxButton, useApp, usePager, useQuery } from "../hooks";
import { useQueries } from "../ui";
import { signers } from "../clients";
import { formatAmount, leaseRunway } from "../format";
import { leaseStatusText } from "../state";

const PAGE = 10;

export function Provider() {
  const { chain, wallet } = useApp();
  const q = useQueries();
  const [who, setWho] = useState("");
  const provider = wallet?.address ?? who;
  const pager = usePager<number>();
  const leases = useQuery(
    async () => (provider ? q.escrow.leasesByProvider({ provider, limit: PAGE, startAfter: pager.cursor }) : undefined),
    [provider, pager.cursor],
  );
  const reg = useQuery(async () => (provider ? q.incentives.provider({ address: provider }).catch(() => null) : undefined), [provider]);
  const rewards = useQuery(async () => (provider ? q.incentives.pendingRewards({ provider, limit: 20 }) : undefined), [provider]);
  const epoch = useQuery(async () => {
    const first = await q.incentives.epoch({ epoch: 0 });
    return first.current_epoch === 0 ? first : q.incentives.epoch({ epoch: first.current_epoch });
  }, []);
  const s = wallet ? signers(chain, wallet) : undefined;
  const coin = (c: { denom: string; amount: string }) => {
    const i = chain.cfg.denoms[c.denom] ?? { symbol: c.denom, decimals: 0 };
    return formatAmount(c.amount, i.decimals, i.symbol);
  };
  return (
    <>
      {!wallet && (
        <div className="row"><span className="muted">Read-only: a provider's address</span>
          <input value={who} onChange={(e) => setWho(e.target.value)} size={48} /></div>
      )}
      <h2>Registration</h2>
      <Loading {...reg} />
      {reg.data === null && <p className="muted">Not registered with provider-incentives.</p>}
      {reg.data && <p>Bond {reg.data.bond}, tier {reg.data.tier ?? "—"}, open disputes {reg.data.open_disputes}</p>}
      <h2>Leases served</h2>
      <Loading {...leases} />
      {leases.data && (
        <>
          <table>
            <thead><tr><th>#</th><th>tenant</th><th>status</th><th>earned</th><th>runway (blocks)</th><th /></tr></thead>
            <tbody>
              {leases.data.leases.length === 0 && <tr><td colSpan={6} className="muted">none</td></tr>}
              {leases.data.leases.map((l) => (
                <tr key={l.id}>
                  <td>{l.id}</td><td>{l.tenant}</td><td>{leaseStatusText(l.status)}</td>
                  <td>{coin({ denom: l.denom, amount: l.earned })}</td><td>{leaseRunway(l)}</td>
                  <td>
                    <TxButton label="Withdraw" run={() => s!.escrow.withdraw({ leaseId: l.id })} />
                    <TxButton label="Heartbeat" run={() => s!.escrow.heartbeat({ leaseId: l.id })} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager page={pager.page} hasNext={leases.data.leases.length === PAGE}
            onNext={() => pager.next(leases.data!.leases[PAGE - 1].id)} onPrev={pager.prev} />
          <TxButton label="Heartbeat (all my leases)" run={() => s!.escrow.heartbeat({})} />
        </>
      )}
      <h2>Incentive epochs</h2>
      <Loading {...epoch} />
      {epoch.data && (
        <p data-testid="current-epoch">
          Epoch {epoch.data.epoch} ({JSON.stringify(epoch.data.status)}) ends{" "}
          {new Date(Number(BigInt(epoch.data.ends_at) / 1_000_000_000n) * 1000).toISOString().replace("T", " ").slice(0, 16)} UTC;
          budget {epoch.data.budget.length ? epoch.data.budget.map(coin).join(", ") : "none yet"}
        </p>
      )}
      <Loading {...rewards} />
      {rewards.data && (
        <>
          <p>Claimable now: {rewards.data.claimable.length ? rewards.data.claimable.map(coin).join(", ") : "nothing"}</p>
          <table>
            <thead><tr><th>epoch</th><th>status</th><th>weight</th><th>rewards</th><th>claimable</th></tr></thead>
            <tbody>
              {rewards.data.epochs.length === 0 && <tr><td colSpan={5} className="muted">no epochs with rewards</td></tr>}
              {rewards.data.epochs.map((e) => (
                <tr key={e.epoch}><td>{e.epoch}</td><td>{JSON.stringify(e.status)}</td><td>{e.weight}</td>
                  <td>{e.rewards.map(coin).join(", ") || "—"}</td><td>{e.claimable ? "yes" : "no"}</td></tr>
              ))}
            </tbody>
          </table>
          <TxButton label="Claim" disabled={rewards.data.claimable.length === 0} run={() => s!.incentives.claim({})} />
        </>
      )}
    </>
  );
}
