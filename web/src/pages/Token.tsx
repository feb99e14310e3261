import { useState } from "react";
import { Loading, TxButton, useApp, useQuery } from "../hooks";
import { Stat, useQueries, useToken } from "../ui";
import { signers } from "../clients";
import { bankBalance } from "../chain";
import { parseUnits } from "../format";

export function Token() {
  const { chain, wallet } = useApp();
  const q = useQueries();
  const token = useToken();
  const t = token.data;
  const d = t?.decimals ?? 6;
  const sym = t?.symbol ?? "SPICE";
  const native = t?.native?.denom;
  const [who, setWho] = useState("");
  const address = wallet?.address ?? who;
  const cw20 = useQuery(async () => (address ? (await q.token.balance({ address })).balance : undefined), [address]);
  const nat = useQuery(
    async () => (address && native ? bankBalance(chain, address, native) : undefined),
    [address, native],
  );
  const [amount, setAmount] = useState("");
  const [recipient, setRecipient] = useState("");
  const s = wallet ? signers(chain, wallet).token : undefined;
  const units = () => parseUnits(amount, d).toString();

  return (
    <>
      <Loading {...token} />
      {!wallet && (
        <div className="row">
          <span className="muted">Read-only: look up an address</span>
          <input placeholder={`${chain.cfg.bech32_prefix}1…`} value={who} onChange={(e) => setWho(e.target.value)} size={48} />
        </div>
      )}
      <h2>Balance</h2>
      <Loading {...cw20} />
      <div className="grid">
        <Stat label={`${sym} (cw20)`} raw={cw20.data} decimals={d} symbol={sym} testId="balance-cw20" />
        <Stat label={`${sym} (native${native ? `: ${native}` : ""})`} raw={native ? nat.data ?? "0" : "0"}
          decimals={d} symbol={sym} testId="balance-native" />
      </div>
      <h2>Act</h2>
      <div className="row">
        <label>Amount <input data-testid="token-amount" value={amount} onChange={(e) => setAmount(e.target.value)} placeholder={`e.g. 1.5 ${sym}`} /></label>
      </div>
      <div className="row">
        <label>Recipient <input data-testid="token-recipient" value={recipient} onChange={(e) => setRecipient(e.target.value)} size={48} placeholder={`${chain.cfg.bech32_prefix}1…`} /></label>
        <TxButton label="Transfer (cw20)" testId="token-transfer" run={() => s!.transfer({ amount: units(), recipient })} />
      </div>
      <div className="row">
        <TxButton label="Convert cw20 → native" testId="token-to-native" disabled={!native}
          run={() => s!.convertToNative({ amount: units() })} />
        <TxButton label="Convert native → cw20" testId="token-to-cw20" disabled={!native}
          run={() => s!.convertToCw20({}, "auto", undefined, [{ denom: native!, amount: units() }])} />
        {!native && <span className="muted" data-testid="no-native">This deployment has no native form of {sym} (enable_native was not run).</span>}
      </div>
      <div className="row">
        <TxButton label="Burn (cw20)" testId="token-burn" run={() => s!.burn({ amount: units() })} />
        <TxButton label="Burn (native)" testId="token-burn-native" disabled={!native}
          run={() => s!.burnNative("auto", undefined, [{ denom: native!, amount: units() }])} />
      </div>
    </>
  );
}
