import { Bar, BarChart, CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { Loading, Pager, useApp, useQuery, usePager } from "../hooks";
import { denomInfo } from "../config";
import { Stat, useQueries, useToken } from "../ui";
import { formatAmount, formatUnits } from "../format";
import { cumulativeBurns } from "../state";

export function Overview() {
  const q = useQueries();
  const token = useToken();
  const supply = useQuery(() => q.token.supply(), []);
  const burns = useQuery(() => q.token.burnStats(), []);
  const buyback = useQuery(() => q.buyback.status({}), []);
  const vault = useQuery(() => q.vault.status(), []);
  const vaultCfg = useQuery(() => q.vault.config(), []);
  const { chain } = useApp();
  const akt = denomInfo(chain.cfg, vaultCfg.data?.akt_denom ?? "uakt");
  const chartHistory = useQuery(() => q.buyback.history({ limit: 100 }), []);
  const pager = usePager<number>();
  const recent = useQuery(() => q.buyback.history({ limit: 10, startAfter: pager.cursor }), [pager.cursor]);

  const t = token.data;
  const d = t?.decimals ?? 6;
  const sym = t?.symbol ?? "SPICE";
  const s = supply.data;
  const b = burns.data;
  const bySource = b
    ? [
        { source: "cw20 burn", amount: Number(formatUnits(b.cw20_burn, d, d).replace(/,/g, "")) },
        { source: "burn_from (buybacks)", amount: Number(formatUnits(b.cw20_burn_from, d, d).replace(/,/g, "")) },
        { source: "native burn", amount: Number(formatUnits(b.native, d, d).replace(/,/g, "")) },
      ]
    : [];
  const series = cumulativeBurns(chartHistory.data?.buybacks ?? [], d);
  const books = vault.data?.books;
  const fmtCoin = (amount: string, denom: string) => {
    const i = denomInfo(chain.cfg, denom);
    return formatAmount(amount, i.decimals, i.symbol);
  };
  return (
    <>
      <h2>Supply</h2>
      <Loading {...supply} />
      {s && (
        <div className="grid" data-testid="supply">
          <Stat label="Cap" raw={s.cap} decimals={d} symbol={sym} testId="supply-cap" />
          <Stat label="Minted" raw={s.minted} decimals={d} symbol={sym} testId="supply-minted" />
          <Stat label="cw20 supply" raw={s.cw20_supply} decimals={d} symbol={sym} testId="supply-cw20" />
          <Stat label="Native supply" raw={s.native_supply} decimals={d} symbol={sym} testId="supply-native" />
          <Stat label="Burned" raw={s.burned} decimals={d} symbol={sym} testId="supply-burned" />
        </div>
      )}
      <h2>Burned by source</h2>
      <Loading {...burns} />
      {b && (
        <div className="grid">
          <Stat label="cw20 burn" raw={b.cw20_burn} decimals={d} symbol={sym} testId="burn-cw20" />
          <Stat label="burn_from (buyback)" raw={b.cw20_burn_from} decimals={d} symbol={sym} testId="burn-from" />
          <Stat label="native burn" raw={b.native} decimals={d} symbol={sym} testId="burn-native" />
          <Stat label="total" raw={b.total} decimals={d} symbol={sym} testId="burn-total" />
        </div>
      )}
      <div className="grid" style={{ gridTemplateColumns: "1fr 1fr", marginTop: ".8rem" }}>
        <div className="card" data-testid="chart-burn-sources">
          <div className="label">Burns by source ({sym})</div>
          <ResponsiveContainer width="100%" height={220}>
            <BarChart data={bySource}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="source" fontSize={11} />
              <YAxis fontSize={11} />
              <Tooltip />
              <Bar dataKey="amount" fill="#d9822b" isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        </div>
        <div className="card" data-testid="chart-burns-over-time">
          <div className="label">Burned by buybacks over time ({sym}, cumulative)</div>
          {series.length === 0 ? (
            <p className="muted">No buyback has run yet.</p>
          ) : (
            <ResponsiveContainer width="100%" height={220}>
              <LineChart data={series}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="label" fontSize={11} />
                <YAxis fontSize={11} />
                <Tooltip />
                <Line dataKey="cumulative" stroke="#2b1d0e" dot={false} isAnimationActive={false} />
              </LineChart>
            </ResponsiveContainer>
          )}
        </div>
      </div>
      <h2>Buyback-burn</h2>
      <Loading {...buyback} />
      {buyback.data && (
        <div className="grid">
          <Stat label="Buybacks" text={String(buyback.data.buybacks)} testId="buyback-count" raw={String(buyback.data.buybacks)} />
          <Stat label="SPICE bought" raw={buyback.data.spice_bought} decimals={d} symbol={sym} testId="buyback-bought" />
          <Stat label="SPICE burned" raw={buyback.data.spice_burned} decimals={d} symbol={sym} testId="buyback-burned" />
        </div>
      )}
      <h2>Staking vault</h2>
      <Loading {...vault} />
      {vault.data && books && (
        <>
          {vault.data.halt && (
            <p className="warn" role="alert">Strategy halted: {vault.data.halt.reason}</p>
          )}
          <div className="grid">
            {vault.data.proceeds.map((p) => {
              const i = denomInfo(chain.cfg, p.denom);
              return <Stat key={p.denom} label={`Proceeds waiting (${i.symbol})`} raw={p.waiting} decimals={i.decimals} symbol={i.symbol} />;
            })}
            <Stat label={`${akt.symbol} pending`} raw={books.pending} decimals={akt.decimals} symbol={akt.symbol} testId="vault-pending" />
            <Stat label={`${akt.symbol} in flight`} raw={vault.data.in_flight} decimals={akt.decimals} symbol={akt.symbol} testId="vault-in-flight" />
            <Stat label="Staked" raw={books.staked} decimals={akt.decimals} symbol={akt.symbol} testId="vault-staked" />
            <Stat label="Unbonding" raw={books.unbonding} decimals={akt.decimals} symbol={akt.symbol} testId="vault-unbonding" />
            <Stat label="Revenue harvested" raw={books.revenue_harvested} decimals={akt.decimals} symbol={akt.symbol} testId="vault-revenue" />
            <Stat label="Strategy" text={vault.data.strategy ?? "none"} />
          </div>
        </>
      )}
      <h2>Recent buybacks</h2>
      <Loading {...recent} />
      {recent.data && (
        <>
          <table data-testid="recent-buybacks">
            <thead>
              <tr><th>#</th><th>height</th><th>paid</th><th>{sym} out</th><th>{sym} burned</th><th>keeper bounty</th></tr>
            </thead>
            <tbody>
              {recent.data.buybacks.length === 0 && (
                <tr><td colSpan={6} className="muted">none yet</td></tr>
              )}
              {recent.data.buybacks.map((r) => (
                <tr key={r.id}>
                  <td>{r.id}</td><td>{r.height}</td><td>{fmtCoin(r.amount_in, r.denom)}</td>
                  <td>{formatAmount(r.spice_out, d, sym)}</td><td>{formatAmount(r.spice_burned, d, sym)}</td>
                  <td>{fmtCoin(r.bounty, r.denom)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager page={pager.page} hasNext={recent.data.buybacks.length === 10}
            onNext={() => pager.next(recent.data!.buybacks[recent.data!.buybacks.length - 1].id)} onPrev={pager.prev} />
        </>
      )}
    </>
  );
}
