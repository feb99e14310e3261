// The web app end to end in headless Chromium (Debian's `chromium`, driven by playwright-core:
// no browser download) against the local chain with the suite deployed by `spice deploy`.
// Run by scripts/e2e/web.sh, which builds the bundle and exports the localnet's variables
// (scripts/localnet.sh env) plus SPICE_STATE. Checks:
//  1. the overview's numbers equal the chain's queries (asked with injectived, not the app);
//  2. a tenant deposits to a lease through the page with the dev signer and the runway grows;
//  3. a holder's cw20 → native conversion: the local chain has no native form (Injective does
//     not route Osmosis' tokenfactory messages), so the page must say so and refuse; the holder's
//     transfer through the page moves both balances instead;
//  4. an order placed through the page appears in the depth chart;
//  5. a screenshot of each page under target/e2e/web/, and the page load time.
import { chromium } from "playwright-core";
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const WEB = path.resolve(HERE, "..");
const ROOT = path.resolve(WEB, "..");
const OUT = path.join(ROOT, "target/e2e/web");
const PORT = Number(process.env.SPICE_WEB_PORT ?? 4173);
const BASE = `http://127.0.0.1:${PORT}`;
const env = (k) => {
  const v = process.env[k];
  if (!v) throw new Error(`${k} is not set (run through scripts/e2e/web.sh)`);
  return v;
};
const INJ = env("INJECTIVED");
const HOME = env("LOCALNET_HOME");
const NODE = env("LOCALNET_NODE");
const CHAIN_ID = env("LOCALNET_CHAIN_ID");
const STATE = JSON.parse((await import("node:fs")).readFileSync(env("SPICE_STATE"), "utf8"));
const C = Object.fromEntries(Object.entries(STATE.contracts).map(([k, v]) => [k, v.address]));

const results = { checks: [], timings: {} };
const t0 = Date.now();
let failures = 0;
function check(name, ok, detail) {
  const at_s = (Date.now() - t0) / 1000;
  results.checks.push({ name, ok, detail, at_s });
  console.log(`${ok ? "ok  " : "FAIL"} [${at_s.toFixed(1)}s] ${name}${detail ? ` — ${detail}` : ""}`);
  if (!ok) failures++;
}

function inj(args) {
  return execFileSync(INJ, args, {
    encoding: "utf8",
    env: { ...process.env, LD_LIBRARY_PATH: [process.env.INJECTIVED_LIB, process.env.LD_LIBRARY_PATH].filter(Boolean).join(":") },
    stdio: ["ignore", "pipe", "pipe"],
  });
}
const smart = (contract, msg) =>
  JSON.parse(inj(["q", "wasm", "contract-state", "smart", contract, JSON.stringify(msg), "--node", NODE, "-o", "json"])).data;
const addr = (name) => inj(["keys", "show", name, "-a", "--keyring-backend", "test", "--home", HOME]).trim();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function execTx(from, contract, msg, amount) {
  const args = ["tx", "wasm", "execute", contract, JSON.stringify(msg), "--from", from, "--keyring-backend", "test",
    "--home", HOME, "--node", NODE, "--chain-id", CHAIN_ID, "--gas", "auto", "--gas-adjustment", "1.3",
    "--gas-prices", "160000000inj", "-b", "sync", "-y", "-o", "json"];
  if (amount) args.push("--amount", amount);
  const out = inj(args);
  const sent = JSON.parse(out.slice(out.indexOf("{")));
  if (Number(sent.code ?? 0) !== 0) throw new Error(`rejected: ${sent.raw_log}`);
  for (let i = 0; i < 60; i++) {
    await sleep(500);
    try {
      const tx = JSON.parse(inj(["q", "tx", sent.txhash, "--node", NODE, "-o", "json"]));
      if (Number(tx.code) !== 0) throw new Error(`failed: ${tx.raw_log}`);
      return tx;
    } catch (e) {
      if (String(e.message).startsWith("failed")) throw e;
    }
  }
  throw new Error(`tx ${sent.txhash} not in a block after 30 s`);
}

mkdirSync(OUT, { recursive: true });
const deployer = addr("deployer");
const provider = addr("provider");
const user1 = addr("user1");

// --- setup: a streaming lease for the deployer (the dev signer's key) ---
let t = Date.now();
const opened = await execTx("deployer", C.rollover_escrow, {
  open_lease: { provider, price_per_block: "1000000000000000", denom: "inj", backups: [], spec_ref: "web-e2e" },
}, "1000000000000000000inj");
const leaseId = Number(
  opened.events.flatMap((e) => e.attributes).find((a) => a.key === "lease_id")?.value,
);
await execTx("provider", C.rollover_escrow, { accept_lease: { lease_id: leaseId } });
results.timings.setup_s = (Date.now() - t) / 1000;
console.log(`lease ${leaseId} opened by ${deployer}, accepted by ${provider}`);

// --- the built bundle, served by vite preview with the dev signer on ---
const server = spawn(path.join(WEB, "node_modules/.bin/vite"), ["preview", "--port", String(PORT), "--strictPort"], {
  cwd: WEB,
  env: { ...process.env, SPICE_DEV_SIGNER: "1" },
  stdio: ["ignore", "pipe", "pipe"],
});
let serverLog = "";
server.stdout.on("data", (d) => (serverLog += d));
server.stderr.on("data", (d) => (serverLog += d));
const stop = () => server.kill("SIGTERM");
process.on("exit", stop);
for (let i = 0; ; i++) {
  try {
    if ((await fetch(`${BASE}/config.json`)).ok) break;
  } catch {}
  if (i > 60) throw new Error(`vite preview did not start:\n${serverLog}`);
  await sleep(250);
}

const executablePath = process.env.CHROMIUM ?? ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find(existsSync);
const browser = await chromium.launch({ executablePath, args: ["--no-sandbox", "--disable-gpu"] });
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
page.on("pageerror", (e) => console.log("page error:", e.message));
const raw = async (testId) => page.getByTestId(testId).getAttribute("data-raw");
const shot = (name) => page.screenshot({ path: path.join(OUT, `${name}.png`), fullPage: true });

try {
  // --- 1. overview: load time and numbers against the chain ---
  t = Date.now();
  await page.goto(`${BASE}/#/overview`);
  await page.getByTestId("supply-cap").waitFor();
  await page.getByTestId("burn-total").waitFor();
  await page.getByTestId("buyback-count").waitFor();
  results.timings.overview_load_ms = Date.now() - t;
  results.timings.dom_content_loaded_ms = await page.evaluate(() => {
    const n = performance.getEntriesByType("navigation")[0];
    return Math.round(n.domContentLoadedEventEnd);
  });
  const supply = smart(C.spice_token, { supply: {} });
  const burns = smart(C.spice_token, { burn_stats: {} });
  const bb = smart(C.buyback_burn, { status: {} });
  const shown = {
    cap: await raw("supply-cap"), minted: await raw("supply-minted"), cw20_supply: await raw("supply-cw20"),
    native_supply: await raw("supply-native"), burned: await raw("supply-burned"), total: await raw("burn-total"),
    cw20_burn: await raw("burn-cw20"), cw20_burn_from: await raw("burn-from"), native: await raw("burn-native"),
    buybacks: await raw("buyback-count"), spice_burned: await raw("buyback-burned"),
  };
  const chain = { ...supply, ...burns, buybacks: String(bb.buybacks), spice_burned: bb.spice_burned };
  const mismatched = Object.keys(shown).filter((k) => shown[k] !== String(chain[k]));
  check("overview numbers equal the chain's queries", mismatched.length === 0,
    mismatched.length ? mismatched.map((k) => `${k}: page ${shown[k]} chain ${chain[k]}`).join("; ") : `${Object.keys(shown).length} values`);
  await shot("overview");

  // --- connect the dev signer ---
  await page.getByTestId("connect-dev").click();
  await page.getByTestId("wallet-address").waitFor();
  const shownAddr = await page.getByTestId("wallet-address").getAttribute("title");
  check("dev signer is the localnet deployer", shownAddr === deployer, shownAddr);

  // --- 2. leases: deposit through the page, runway grows ---
  await page.goto(`${BASE}/#/leases`);
  // Ten leases a page: page on until ours shows (a chain reused across runs has more).
  for (let i = 0; i < 50; i++) {
    await page.locator('[data-testid^="lease-"]').first().waitFor();
    if (await page.getByTestId(`lease-${leaseId}-runway`).count()) break;
    await page.getByRole("button", { name: "next ›" }).click();
  }
  await page.getByTestId(`lease-${leaseId}-runway`).waitFor();
  const runwayBefore = Number(await raw(`lease-${leaseId}-runway`));
  const balanceBefore = BigInt(await raw(`lease-${leaseId}-balance`));
  await page.getByTestId(`lease-${leaseId}-deposit-amount`).fill("0.5");
  t = Date.now();
  await page.getByTestId(`lease-${leaseId}-deposit`).click();
  await page.locator(`[data-testid="lease-${leaseId}-deposit-ok"], [data-testid="lease-${leaseId}-deposit-error"]`).first().waitFor({ timeout: 60_000 });
  results.timings.deposit_tx_ms = Date.now() - t;
  const depErr = await page.getByTestId(`lease-${leaseId}-deposit-error`).count();
  await page.waitForFunction(
    ([id, before]) => Number(document.querySelector(`[data-testid="lease-${id}-runway"]`)?.getAttribute("data-raw")) > before + 400,
    [leaseId, runwayBefore], { timeout: 20_000 },
  ).catch(() => {});
  const runwayAfter = Number(await raw(`lease-${leaseId}-runway`));
  const onChain = smart(C.rollover_escrow, { lease: { lease_id: leaseId } });
  check("a deposit through the page grows the runway", depErr === 0 && runwayAfter > runwayBefore + 400,
    `runway ${runwayBefore} → ${runwayAfter} blocks (0.5 INJ at 0.001 INJ/block = +500); chain balance ${balanceBefore} → ${onChain.balance}`);
  await shot("leases");

  // --- 3. token: no native form on this chain; a transfer moves both balances ---
  await page.goto(`${BASE}/#/token`);
  await page.getByTestId("balance-cw20").waitFor();
  await page.waitForFunction(() => document.querySelector('[data-testid="balance-cw20"]')?.getAttribute("data-raw"));
  const cfg = smart(C.spice_token, { config: {} });
  const cw20Before = BigInt(await raw("balance-cw20"));
  const userBefore = BigInt(smart(C.spice_token, { balance: { address: user1 } }).balance);
  if (cfg.native) {
    await page.getByTestId("token-amount").fill("1");
    await page.getByTestId("token-to-native").click();
    await page.getByTestId("token-to-native-ok").waitFor({ timeout: 60_000 });
    const nativeAfter = BigInt(await raw("balance-native"));
    check("cw20 → native through the page moves both balances", nativeAfter > 0n, `native ${nativeAfter}`);
  } else {
    const disabled = await page.getByTestId("token-to-native").isDisabled();
    const said = await page.getByTestId("no-native").isVisible();
    check("without a native form the page refuses the conversion and says why", disabled && said);
  }
  await page.getByTestId("token-amount").fill("1.5");
  await page.getByTestId("token-recipient").fill(user1);
  await page.getByTestId("token-transfer").click();
  await page.locator('[data-testid="token-transfer-ok"], [data-testid="token-transfer-error"]').first().waitFor({ timeout: 60_000 });
  await page.waitForFunction((b) => document.querySelector('[data-testid="balance-cw20"]')?.getAttribute("data-raw") !== b, String(cw20Before), { timeout: 10_000 }).catch(() => {});
  const cw20After = BigInt(await raw("balance-cw20"));
  const userAfter = BigInt(smart(C.spice_token, { balance: { address: user1 } }).balance);
  const moved = 10n ** BigInt(cfg.decimals) * 3n / 2n;
  check("a cw20 transfer through the page moves both holders' balances", cw20Before - cw20After === moved && userAfter - userBefore === moved,
    `sender ${cw20Before} → ${cw20After}, recipient ${userBefore} → ${userAfter}`);
  // a refused transaction is said in words: more than the holder has
  await page.getByTestId("token-amount").fill("999999999999");
  await page.getByTestId("token-burn").click();
  await page.getByTestId("token-burn-error").waitFor({ timeout: 60_000 }).catch(() => {});
  const said = (await page.getByTestId("token-burn-error").count()) ? await page.getByTestId("token-burn-error").textContent() : "";
  check("a refused transaction is shown in words", /^The contract refused: .*insufficient|^The contract refused: /i.test(said) && !said.includes("message index"), said);
  await shot("token");

  // --- 4. order book: an order placed through the page shows in the depth chart ---
  await page.goto(`${BASE}/#/orders`);
  await page.getByTestId("order-place").waitFor();
  await page.waitForFunction(() => !document.querySelector('[data-testid="order-deposit"]')?.textContent?.includes("…"));
  const PRICE = 1234000000000;
  const bidsAt = async () =>
    JSON.parse((await page.getByTestId("depth-chart").getAttribute("data-rows")) ?? "[]").find((r) => r.priceValue === PRICE)?.bids ?? 0;
  await page.locator('[data-testid="depth-chart"][data-loaded="true"]').waitFor();
  const bidsBefore = await bidsAt();
  await page.getByTestId("order-price").fill(String(PRICE));
  await page.getByTestId("order-replicas").fill("2");
  await page.getByTestId("order-place").click();
  await page.locator('[data-testid="order-place-ok"], [data-testid="order-place-error"]').first().waitFor({ timeout: 60_000 });
  const placeErr = (await page.getByTestId("order-place-error").count())
    ? await page.getByTestId("order-place-error").textContent()
    : null;
  await page.waitForFunction(([price, before]) => {
    const rows = JSON.parse(document.querySelector('[data-testid="depth-chart"]')?.getAttribute("data-rows") ?? "[]");
    return rows.some((r) => r.priceValue === price && r.bids >= before + 2);
  }, [PRICE, bidsBefore], { timeout: 15_000 }).catch(() => {});
  const bidsAfter = await bidsAt();
  const bars = await page.locator('[data-testid="depth-chart"] .recharts-bar-rectangle').count();
  check("an order placed through the page appears in the depth chart", !placeErr && bidsAfter === bidsBefore + 2 && bars > 0,
    placeErr ?? `bids at ${PRICE}/block: ${bidsBefore} → ${bidsAfter} (2 replicas), ${bars} bar(s) drawn`);
  await shot("orders");
  // cancel it (the last open order the page lists: each was placed with 2 replicas at PRICE)
  const cancel = page.locator('[data-testid^="order-"][data-testid$="-cancel"]').last();
  const cancelId = await cancel.getAttribute("data-testid");
  await cancel.click();
  // A cancelled order loses its buttons: wait for that, or for an error.
  await page.waitForFunction((id) => !document.querySelector(`[data-testid="${id}"]`) || document.querySelector(`[data-testid="${id}-error"]`),
    cancelId, { timeout: 60_000 }).catch(() => {});
  const cancelErr = (await page.getByTestId(`${cancelId}-error`).count()) ? await page.getByTestId(`${cancelId}-error`).textContent() : null;
  await page.waitForFunction(([price, n]) => {
    const rows = JSON.parse(document.querySelector('[data-testid="depth-chart"]')?.getAttribute("data-rows") ?? "[]");
    return (rows.find((r) => r.priceValue === price)?.bids ?? 0) === n;
  }, [PRICE, bidsAfter - 2], { timeout: 30_000 }).catch(() => {});
  const bidsCancelled = await bidsAt();
  check("cancelling it through the page takes it out of the depth", bidsCancelled === bidsAfter - 2,
    cancelErr ?? `${cancelId}: bids ${bidsAfter} → ${bidsCancelled}`);

  // --- 5. the other pages render; screenshots ---
  for (const p of ["provider", "governance", "keeper"]) {
    await page.goto(`${BASE}/#/${p}`);
    await page.locator("main h1").waitFor();
    await page.waitForFunction(() => !document.querySelector("main")?.textContent?.includes("loading…"), null, { timeout: 20_000 }).catch(() => {});
    const alerts = await page.locator("main [role=alert]").allTextContents();
    check(`the ${p} page renders without an error`, alerts.length === 0, alerts.join(" | "));
    await shot(p);
  }
  const paused = await page.goto(`${BASE}/#/governance`).then(() => page.getByTestId("gov-rollover_escrow-paused").textContent());
  check("governance shows the pause state", paused === "running", paused);
} finally {
  await browser.close();
  stop();
}

const dist = path.join(WEB, "dist/assets");
let js = 0;
for (const f of readdirSync(dist)) if (f.endsWith(".js")) js += statSync(path.join(dist, f)).size;
results.bundle_js_bytes = js;
results.timings.total_s = (Date.now() - t0) / 1000;
writeFileSync(path.join(OUT, "results.json"), JSON.stringify(results, null, 2));
console.log(`web e2e: ${results.checks.length - failures}/${results.checks.length} checks passed; overview loaded in ${results.timings.overview_load_ms} ms; screenshots in ${OUT}`);
process.exit(failures ? 1 : 0);
