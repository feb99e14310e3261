import { useMemo } from "react";
import { useApp, useQuery } from "./hooks";
import { queries } from "./clients";
import { denomInfo } from "./config";
import { formatAmount } from "./format";

export function Stat({ label, raw, decimals, symbol, testId, text }: {
  label: string; raw?: string; decimals?: number; symbol?: string; testId?: string; text?: string;
}) {
  return (
    <div className="card">
      <div className="label">{label}</div>
      <div className="value" data-testid={testId} data-raw={raw}>
        {text ?? (raw === undefined ? "—" : formatAmount(raw, decimals ?? 0, symbol ?? ""))}
      </div>
    </div>
  );
}

/** The SPICE token's decimals, symbol and native denom (asked once per page). */
export function useToken() {
  const { chain } = useApp();
  const q = useMemo(() => queries(chain), [chain]);
  return useQuery(() => q.token.config(), []);
}

export function usePayment() {
  const { chain } = useApp();
  const denom = chain.cfg.payment_denom;
  return { denom, ...denomInfo(chain.cfg, denom) };
}

export function useQueries() {
  const { chain } = useApp();
  return useMemo(() => queries(chain), [chain]);
}
