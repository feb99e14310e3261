import { useState } from "react";
import { Loading, useApp, useQuery } from "../hooks";
import { CONTRACTS, type ContractName } from "../config";
import { proposalMessages } from "../state";

const ACTIONS = ["pause", "unpause", "update_config", "set_guardian", "update_ownership"] as const;
const TEMPLATES: Record<(typeof ACTIONS)[number], unknown> = {
  pause: { pause: {} },
  unpause: { unpause: {} },
  update_config: { update_config: {} },
  set_guardian: { set_guardian: { guardian: null } },
  update_ownership: { update_ownership: { transfer_ownership: { new_owner: "", expiry: null } } },
};

export function Governance() {
  const { chain } = useApp();
  const all = useQuery(
    () =>
      Promise.all(
        CONTRACTS.map(async (name) => {
          const addr = chain.cfg.contracts[name];
          const [config, pause, ownership] = await Promise.all([
            chain.query.queryContractSmart(addr, { config: {} }),
            chain.query.queryContractSmart(addr, { pause_info: {} }),
            chain.query.queryContractSmart(addr, { ownership: {} }).catch(() => null),
          ]);
          return { name, addr, config, pause, ownership };
        }),
      ),
    [],
  );
  const [contract, setContract] = useState<ContractName>("rollover_escrow");
  const [action, setAction] = useState<(typeof ACTIONS)[number]>("pause");
  const [text, setText] = useState(JSON.stringify(TEMPLATES.pause, null, 2));
  const [copied, setCopied] = useState(false);
  let parsed: unknown;
  let parseError: string | undefined;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    parseError = String(e);
  }
  const owner = all.data?.find((c) => c.name === contract)?.ownership?.owner;
  const out = parsed === undefined ? "" : JSON.stringify(proposalMessages(chain.cfg.contracts[contract], parsed, owner), null, 2);
  return (
    <>
      <Loading {...all} />
      <table>
        <thead><tr><th>contract</th><th>address</th><th>owner</th><th>paused</th></tr></thead>
        <tbody>
          {all.data?.map((c) => (
            <tr key={c.name} data-testid={`gov-${c.name}`}>
              <td>{c.name}</td><td>{c.addr}</td><td>{c.ownership?.owner ?? "—"}</td>
              <td data-testid={`gov-${c.name}-paused`}>{c.pause.paused ? "PAUSED" : "running"}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Change → proposal message</h2>
      <div className="row">
        <select data-testid="gov-contract" value={contract} onChange={(e) => setContract(e.target.value as ContractName)}>
          {CONTRACTS.map((c) => <option key={c}>{c}</option>)}
        </select>
        <select data-testid="gov-action" value={action} onChange={(e) => {
          const a = e.target.value as (typeof ACTIONS)[number];
          setAction(a);
          setText(JSON.stringify(TEMPLATES[a], null, 2));
        }}>
          {ACTIONS.map((a) => <option key={a}>{a}</option>)}
        </select>
      </div>
      <textarea rows={6} cols={80} value={text} onChange={(e) => setText(e.target.value)} data-testid="gov-msg" />
      {parseError && <p className="err">{parseError}</p>}
      <div className="row">
        <button data-testid="gov-copy" onClick={() => navigator.clipboard?.writeText(out).then(() => setCopied(true))}>Copy</button>
        {copied && <span className="ok">copied</span>}
      </div>
      <pre data-testid="gov-proposal">{out}</pre>
      <h2>Configs</h2>
      {all.data?.map((c) => (
        <details key={c.name}>
          <summary>{c.name}</summary>
          <pre>{JSON.stringify({ config: c.config, pause_info: c.pause, ownership: c.ownership }, null, 2)}</pre>
        </details>
      ))}
    </>
  );
}
