import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from "react";
import type { Chain, Wallet } from "./chain";
import { chainErrorInWords } from "./format";

export interface Ctx {
  chain: Chain;
  wallet: Wallet | null;
  /** Bumped after every transaction: pages reload their queries. */
  epoch: number;
  bump(): void;
}

export const AppCtx = createContext<Ctx | null>(null);

export function useApp(): Ctx {
  const c = useContext(AppCtx);
  if (!c) throw new Error("no app context");
  return c;
}

/** Runs `load` on mount and whenever `deps` or the transaction epoch change. */
export function useQuery<T>(load: () => Promise<T>, deps: unknown[] = []) {
  const { epoch } = useApp();
  const [state, setState] = useState<{ data?: T; error?: string; loading: boolean }>({ loading: true });
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => live && setState({ data, loading: false }),
      (e) => live && setState({ error: chainErrorInWords(e), loading: false }),
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [epoch, ...deps]);
  return state;
}

/** A button that sends a transaction, shows it pending, then the result or the error in words. */
export function TxButton({
  label,
  run,
  testId,
  disabled,
}: {
  label: string;
  run: () => Promise<unknown>;
  testId?: string;
  disabled?: boolean;
}) {
  const { wallet, bump } = useApp();
  const [status, setStatus] = useState<{ busy: boolean; error?: string; ok?: string }>({ busy: false });
  const onClick = useCallback(async () => {
    setStatus({ busy: true });
    try {
      const r = (await run()) as { transactionHash?: string } | undefined;
      setStatus({ busy: false, ok: r?.transactionHash ? `done: ${r.transactionHash.slice(0, 12)}…` : "done" });
      bump();
    } catch (e) {
      setStatus({ busy: false, error: chainErrorInWords(e) });
    }
  }, [run, bump]);
  return (
    <span className="tx">
      <button data-testid={testId} disabled={!wallet || status.busy || disabled} onClick={onClick}
        title={wallet ? "" : "connect a wallet to send transactions"}>
        {status.busy ? "sending…" : label}
      </button>
      {status.ok && <span className="ok" data-testid={testId ? `${testId}-ok` : undefined}>{status.ok}</span>}
      {status.error && <span className="err" role="alert" data-testid={testId ? `${testId}-error` : undefined}>{status.error}</span>}
    </span>
  );
}

export function Loading({ error, loading }: { error?: string; loading: boolean }): ReactNode {
  if (error) return <p className="err" role="alert">{error}</p>;
  if (loading) return <p className="muted">loading…</p>;
  return null;
}

/** Cursor pagination over a `start_after` key. */
export function usePager<K>() {
  const [stack, setStack] = useState<(K | undefined)[]>([undefined]);
  const cursor = stack[stack.length - 1];
  return {
    cursor,
    page: stack.length,
    next: (k: K) => setStack((s) => [...s, k]),
    prev: () => setStack((s) => (s.length > 1 ? s.slice(0, -1) : s)),
  };
}

export function Pager({ page, hasNext, onNext, onPrev }: { page: number; hasNext: boolean; onNext(): void; onPrev(): void }) {
  return (
    <div className="pager">
      <button disabled={page <= 1} onClick={onPrev}>‹ prev</button>
      <span>page {page}</span>
      <button disabled={!hasNext} onClick={onNext}>next ›</button>
    </div>
  );
}
