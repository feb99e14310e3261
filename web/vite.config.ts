// Vite: the React app, plus for `vite` (dev) and `vite preview` (the built bundle):
//  - /rpc proxied to the chain's Tendermint RPC (SPICE_WEB_RPC, default the localnet's), so the
//    browser needs no CORS from the node;
//  - /config.json made from the deploy state file `spice deploy` wrote (SPICE_STATE, default
//    ../target/e2e/spice-state-local.json) unless a config.json sits in public/ or dist/;
//  - with SPICE_DEV_SIGNER=1 only, the development signer at /__dev-signer/* (the mnemonic stays
//    in this process: SPICE_DEV_MNEMONIC, else LOCAL_MNEMONIC).
import { defineConfig, type Plugin, type Connect } from "vite";
import react from "@vitejs/plugin-react";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { devKey, fromBase64, toBase64, type DevKey } from "./devsigner";

const ROOT = path.resolve(__dirname, "..");
const STATE = path.resolve(process.env.SPICE_STATE ?? path.join(ROOT, "target/e2e/spice-state-local.json"));
const RPC = process.env.SPICE_WEB_RPC ?? `http://127.0.0.1:${process.env.SPICE_LOCALNET_RPC_PORT ?? "26757"}`;
const DEV_SIGNER = process.env.SPICE_DEV_SIGNER === "1";

function localConfig(): Record<string, unknown> {
  const state = JSON.parse(readFileSync(STATE, "utf8"));
  const local = state.network === "local";
  const extra = process.env.SPICE_WEB_CONFIG ? JSON.parse(readFileSync(process.env.SPICE_WEB_CONFIG, "utf8")) : {};
  return {
    rpc: "/rpc",
    bech32_prefix: local ? "inj" : "osmo",
    gas_price: local ? "160000000inj" : "0.025uosmo",
    payment_denom: local ? "inj" : "uakt",
    denoms: local
      ? { inj: { symbol: "INJ", decimals: 18 } }
      : { uakt: { symbol: "AKT", decimals: 6 }, uosmo: { symbol: "OSMO", decimals: 6 } },
    low_runway_blocks: 600,
    ...extra,
    dev_signer: DEV_SIGNER,
    state,
  };
}

function spiceServer(): Plugin {
  let key: Promise<DevKey> | undefined;
  const getKey = () => {
    const mnemonic = process.env.SPICE_DEV_MNEMONIC ?? process.env.LOCAL_MNEMONIC;
    if (!mnemonic) throw new Error("set SPICE_DEV_MNEMONIC (or LOCAL_MNEMONIC) for the development signer");
    const cfg = localConfig();
    key ??= devKey(mnemonic, cfg.bech32_prefix as string, (cfg.bech32_prefix as string) === "inj");
    return key;
  };
  const middleware: Connect.NextHandleFunction = (req, res, next) => {
    const url = (req.url ?? "").split("?")[0];
    const send = (status: number, body: unknown) => {
      res.statusCode = status;
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify(body));
    };
    if (url === "/config.json" && existsSync(STATE)) {
      try {
        return send(200, localConfig());
      } catch (e) {
        return send(500, { error: String(e) });
      }
    }
    if (url.startsWith("/__dev-signer/")) {
      if (!DEV_SIGNER) return send(404, { error: "no development signer (SPICE_DEV_SIGNER is not 1)" });
      if (url === "/__dev-signer/account") {
        getKey()
          .then((k) => send(200, { address: k.address, pubkey: toBase64(k.pubkey), pubkey_type: k.pubkeyType }))
          .catch((e) => send(500, { error: String(e) }));
        return;
      }
      if (url === "/__dev-signer/sign" && req.method === "POST") {
        let body = "";
        req.on("data", (c) => (body += c));
        req.on("end", () => {
          getKey()
            .then(async (k) => {
              const { sign_bytes } = JSON.parse(body) as { sign_bytes: string };
              send(200, { signature: toBase64(await k.sign(fromBase64(sign_bytes))) });
            })
            .catch((e) => send(500, { error: String(e) }));
        });
        return;
      }
    }
    next();
  };
  return {
    name: "spice-server",
    configureServer(server) {
      server.middlewares.use(middleware);
    },
    configurePreviewServer(server) {
      server.middlewares.use(middleware);
    },
  };
}

const proxy = {
  "/rpc": { target: RPC, changeOrigin: true, rewrite: (p: string) => p.replace(/^\/rpc/, "") || "/" },
};

export default defineConfig({
  plugins: [react(), spiceServer()],
  server: { host: "127.0.0.1", port: 5173, proxy, fs: { allow: [__dirname, path.join(ROOT, "ts")] } },
  preview: { host: "127.0.0.1", port: 4173, proxy },
  // libsodium: see src/shims/libsodium.ts.
  resolve: { alias: { "libsodium-wrappers-sumo": path.join(__dirname, "src/shims/libsodium.ts") } },
  build: {
    outDir: "dist",
    chunkSizeWarningLimit: 2000,
    rollupOptions: {
      output: {
        // Libraries change less often than the app: separate files cache across releases.
        manualChunks: (id: string) =>
          id.includes("node_modules/recharts") || id.includes("node_modules/d3-") || id.includes("node_modules/lodash")
            ? "charts"
            : id.includes("node_modules/@cosmjs") || id.includes("node_modules/cosmjs-types") || id.includes("node_modules/@confio")
              ? "cosmjs"
              : undefined,
      },
    },
  },
  test: { include: ["src/**/*.test.ts", "devsigner.test.ts"], environment: "node" },
} as never);
