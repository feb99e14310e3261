import { useCallback, useEffect, useState } from "react";
import { parseConfig, type AppConfig } from "./config";
import { connectChain, connectDevSigner, connectKeplr, type Chain, type Wallet } from "./chain";
import { AppCtx } from "./hooks";
import { chainErrorInWords, shortAddress } from "./format";
import { Overview } from "./pages/Overview";
import { Token } from "./pages/Token";
import { Leases } from "./pages/Leases";
import { OrderBook } from "./pages/OrderBook";
import { Governance } from "./pages/Governance";
import { Provider } from "./pages/Provider";
import { Keeper } from "./pages/Keeper";

const PAGES = {
  overview: { title: "Overview", C: Overview },
  token: { title: "Token", C: Token },
  leases: { title: "Leases", C: Leases },
  orders: { title: "Order book", C: OrderBook },
  provider: { title: "Provider", C: Provider },
  governance: { title: "Governance", C: Governance },
  keeper: { title: "Keeper", C: Keeper },
} as const;
type PageKey = keyof typeof PAGES;

function currentPage(): PageKey {
  const h = window.location.hash.replace(/^#\/?/, "") as PageKey;
  return h in PAGES ? h : "overview";
}

export function App() {
  const [chain, setChain] = useState<Chain | null>(null);
  const [error, setError] = useState<string>();
  const [wallet, setWallet] = useState<Wallet | null>(null);
  const [walletError, setWalletError] = useState<string>();
  const [epoch, setEpoch] = useState(0);
  const [page, setPage] = useState<PageKey>(currentPage());
  const bump = useCallback(() => setEpoch((e) => e + 1), []);

  useEffect(() => {
    const onHash = () => setPage(currentPage());
    window.addEventListener("hashchange", onHash);
    return () => window.removeEventListener("hashchange", onHash);
  }, []);

  useEffect(() => {
    fetch("./config.json")
      .then((r) => {
        if (!r.ok) throw new Error(`config.json: HTTP ${r.status}`);
        return r.json();
      })
      .then((raw) => connectChain(parseConfig(raw) as AppConfig))
      .then(setChain, (e) => setError(chainErrorInWords(e)));
  }, []);

  if (error) return <main className="fatal" role="alert">Cannot start: {error}</main>;
  if (!chain) return <main className="muted">connecting…</main>;

  const connect = (how: "keplr" | "dev") => {
    setWalletError(undefined);
    (how === "keplr" ? connectKeplr(chain) : connectDevSigner(chain)).then(setWallet, (e) =>
      setWalletError(chainErrorInWords(e)),
    );
  };
  const P = PAGES[page].C;
  return (
    <AppCtx.Provider value={{ chain, wallet, epoch, bump }}>
      <header>
        <strong className="brand">SPICE</strong>
        <nav>
          {(Object.keys(PAGES) as PageKey[]).map((k) => (
            <a key={k} href={`#/${k}`} className={k === page ? "active" : ""} data-testid={`nav-${k}`}>
              {PAGES[k].title}
            </a>
          ))}
        </nav>
        <span className="wallet">
          <span className="muted">{chain.cfg.chain_id}</span>{" "}
          {wallet ? (
            <span data-testid="wallet-address" title={wallet.address}>
              {wallet.kind === "dev" ? "dev signer " : ""}{shortAddress(wallet.address)}
            </span>
          ) : (
            <>
              <span className="muted">read-only</span>{" "}
              <button onClick={() => connect("keplr")}>Connect Keplr</button>
              {chain.cfg.dev_signer && (
                <button data-testid="connect-dev" onClick={() => connect("dev")}>Dev signer</button>
              )}
            </>
          )}
          {walletError && <span className="err" role="alert"> {walletError}</span>}
        </span>
      </header>
      <main>
        <h1>{PAGES[page].title}</h1>
        <P />
      </main>
    </AppCtx.Provider>
  );
}
