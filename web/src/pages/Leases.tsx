import { useState } from "react";
import { Loading, Pager, TxButton, useApp, usePager, useQuery } from "../hooks";
import { useQueries, usePayment } from "../ui";
import { signers } from "../clients";
import { formatAmount, formatDuration, leaseRunway, parseUnits, runwayFraction, shortAddress } from "../format";
import { CLOSE_REASONS, leaseStatusText } from "../state";
import type { LeaseResponse } from "../../../ts/src/RolloverEscrow.types";

const PAGE = 10;

export function Leases() {
  const { chain, wallet } = useApp();
  const q = useQueries();
  const [who, setWho] = useState("");
  const tenant = wallet?.address ?? who;
  const pager = usePager<number>();
  const leases = useQuery(
    async () => (tenant ? q.escrow.leasesByTenant({ tenant, limit: PAGE, startAfter: pager.cursor }) : undefined),
    [tenant, pager.cursor],
  );
  return (
    <>
      {!wallet && (
        <div className="row">
          <span className="muted">Read-only: a tenant's address</span>
          <input value={who} onChange={(e) => setWho(e.target.value)} size={48} placeholder={`${chain.cfg.bech32_prefix}1…`} />
        </div>
      )}
      <Loading {...leases} />
      {leases.data && leases.data.leases.length === 0 && <p className="muted">No leases for this tenant.</p>}
      {leases.data?.leases.map((l) => <LeaseCard key={l.id} lease={l} />)}
      {leases.data && (
        <Pager page={pager.page} hasNext={leases.data.leases.length === PAGE}
          onNext={() => pager.next(leases.data!.leases[PAGE - 1].id)} onPrev={pager.prev} />
      )}
    </>
  );
}

function LeaseCard({ lease: l }: { lease: LeaseResponse }) {
  const { chain, wallet } = useApp();
  const pay = usePayment();
  const info = chain.cfg.denoms[l.denom] ?? { symbol: l.denom, decimals: 0 };
  const runway = leaseRunway(l);
  const low = runway < chain.cfg.low_runway_blocks;
  const fullScale = Math.max(runway, chain.cfg.low_runway_blocks * 10);
  const [amount, setAmount] = useState("");
  const [target, setTarget] = useState("3000");
  const [backup, setBackup] = useState("");
  const [backupPrice, setBackupPrice] = useState(l.price_per_block);
  const [reason, setReason] = useState(1);
  const s = wallet ? signers(chain, wallet).escrow : undefined;
  const price = formatAmount(l.price_per_block.split(".")[0], info.decimals, info.symbol, 8);
  return (
    <div className="card" style={{ marginBottom: ".8rem" }} data-testid={`lease-${l.id}`}>
      <div className="row" style={{ justifyContent: "space-between" }}>
        <strong>Lease #{l.id}</strong>
        <span className="muted">{leaseStatusText(l.status)}</span>
      </div>
      <div className="grid">
        <div><div className="label">Balance</div>
          <div data-testid={`lease-${l.id}-balance`} data-raw={l.balance}>{formatAmount(l.balance, info.decimals, info.symbol)}</div></div>
        <div><div className="label">Price per block</div><div title={l.price_per_block}>{price}</div></div>
        <div><div className="label">Provider</div><div title={l.provider}>{shortAddress(l.provider)}</div></div>
        <div><div className="label">Backups</div><div>{l.backups.length === 0 ? "none" : l.backups.map((b) =>
          `${shortAddress(b.provider)}${b.accepted ? " ✓" : ""}`).join(", ")}</div></div>
      </div>
      <div className="label" style={{ marginTop: ".5rem" }}>
        Runway: <span data-testid={`lease-${l.id}-runway`} data-raw={runway}>{runway.toLocaleString()} blocks</span>{" "}
        ≈ {formatDuration(runway * chain.blockSeconds)}
        {l.runway_blocks == null && <span className="muted"> (not streaming yet)</span>}
      </div>
      <div className={`bar${low ? " low" : ""}`}><div style={{ width: `${runwayFraction(runway, fullScale) * 100}%` }} /></div>
      {low && l.status !== "closed" && (
        <p className="warn" role="alert" data-testid={`lease-${l.id}-low`}>
          Low balance: under {chain.cfg.low_runway_blocks} blocks of runway. Deposit or set an auto top-up.
        </p>
      )}
      {l.auto_top_up && <p className="muted">Auto top-up to {l.auto_top_up.target_runway_blocks} blocks from {JSON.stringify(l.auto_top_up.source)}</p>}
      {l.status !== "closed" && (
        <>
          <div className="row">
            <input data-testid={`lease-${l.id}-deposit-amount`} value={amount} onChange={(e) => setAmount(e.target.value)} placeholder={`amount in ${info.symbol}`} />
            <TxButton label="Deposit" testId={`lease-${l.id}-deposit`}
              run={() => s!.deposit({ leaseId: l.id }, "auto", undefined, [{ denom: l.denom, amount: parseUnits(amount, info.decimals).toString() }])} />
          </div>
          <div className="row">
            <label>Auto top-up to <input value={target} onChange={(e) => setTarget(e.target.value)} size={8} /> blocks from the escrow balance</label>
            <TxButton label="Set auto top-up" testId={`lease-${l.id}-autotopup`}
              run={() => s!.setAutoTopUp({ leaseId: l.id, source: "balance", targetRunwayBlocks: Number(target) })} />
          </div>
          <div className="row">
            <input value={backup} onChange={(e) => setBackup(e.target.value)} placeholder="backup provider address" size={44} />
            <input value={backupPrice} onChange={(e) => setBackupPrice(e.target.value)} size={14} title={`price per block in base ${pay.symbol} units`} />
            <TxButton label="Set backups" testId={`lease-${l.id}-backups`}
              run={() => s!.setBackups({ leaseId: l.id, backups: backup ? [{ provider: backup, price_per_block: backupPrice }] : [] })} />
          </div>
          <div className="row">
            <select value={reason} onChange={(e) => setReason(Number(e.target.value))}>
              {Object.entries(CLOSE_REASONS).map(([k, v]) => <option key={k} value={k}>{v}</option>)}
            </select>
            <TxButton label="Close lease" testId={`lease-${l.id}-close`} run={() => s!.closeLease({ leaseId: l.id, reason })} />
          </div>
        </>
      )}
    </div>
  );
}
