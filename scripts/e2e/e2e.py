#!/usr/bin/env python3
"""The SPICE suite end to end on a real chain: the optimized artifacts in artifacts/ stored,
instantiated and wired on the local Injective node of scripts/localnet.sh, then every flow that
needs no Osmosis module driven by real, signed transactions, each step checked by smart queries
and bank balances.

    scripts/e2e/e2e.py [--out target/e2e/gas.json]

Run it through scripts/e2e.sh, which starts a fresh chain, bounds the run and always stops the
node. It reads the node's coordinates from the variables `scripts/localnet.sh env` prints
(INJECTIVED, INJECTIVED_LIB, LOCALNET_HOME, LOCALNET_NODE, LOCALNET_CHAIN_ID, LOCALNET_DENOM).

How: python3's standard library only. Every transaction and query goes through the node's own
CLI (`injectived tx ...`, `injectived q ...`) by subprocess, signed with the keyring-backend
`test` keys the localnet created. cw-orch's Injective support is not used (its daemon needs a
gRPC stack and Rust build this script avoids), and the suite's `spice deploy` CLI does not exist
yet: deployment is done here, mirroring packages/spice-suite/src/lib.rs `deploy`.

Differences from the Osmosis deployment, all forced by the chain: the suite's AKT, USDC and OSMO
are all `inj` here (the chain's only denom, 18 decimals); spice-token runs without its native
tokenfactory twin (`native: null`: the contract speaks Osmosis' tokenfactory messages); the
vault uses its `native` strategy, staking `inj` with the localnet's validator; the incentives
epoch is made short by a genesis time in the past (the contract's minimum epoch is one hour).

Every transaction is recorded (step, contract, message, gas_wanted, gas_used, tx bytes, fee)
and written to --out as JSON; scripts/bench.sh reads that file for its real-gas column
(`bench`: the benchmark row a transaction is comparable to, or null). A table is printed at the
end. Exit status: 0 when every step passed, 1 when one failed (or the node's variables are
missing), 130 when interrupted (Ctrl-C, or e2e.sh's timeout), after writing what was measured.
"""

import argparse
import base64
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
import traceback
from datetime import datetime

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
ARTIFACTS = os.path.join(ROOT, "artifacts")
# What the localnet's minimum gas price accepts; every fee is gas_wanted × this.
GAS_PRICE = 160_000_000
GAS_ADJUSTMENT = "1.3"
INJ = 10**18
# cosmwasm_std::Decimal: 18 fractional digits.
ATOMICS = 10**18
# spice-token amounts (6 decimals).
SPICE = 10**6

OSMOSIS_ONLY = [
    "spice-token: enable_native / convert_to_native / convert_to_cw20 / burn_native "
    "(Osmosis tokenfactory messages)",
    "buyback-burn: set_route / buyback / its swap reply (Osmosis poolmanager swaps and TWAP queries)",
    "staking-vault: convert and its swap reply, collect_lp_proceeds (Osmosis pools, TWAP, "
    "concentrated liquidity)",
    "staking-vault operator strategy: ICS-20 transfer to Akash, ibc-hooks ack via sudo, operator "
    "confirmations (IBC to Akash)",
]


class StepFailed(Exception):
    pass


def check(cond, message):
    if not cond:
        raise StepFailed(message)


def expect_eq(what, got, want):
    if got != want:
        raise StepFailed(f"{what}: got {got!r}, expected {want!r}")


# ---- cosmwasm Decimal in integer atomics --------------------------------------------------


def dec(s):
    """A Decimal string as its atomics (value × 10^18), exactly."""
    whole, _, frac = str(s).partition(".")
    check(len(frac) <= 18, f"decimal {s} has more than 18 fractional digits")
    return int(whole or "0") * ATOMICS + int((frac or "0").ljust(18, "0"))


def dec_str(atomics):
    whole, frac = divmod(atomics, ATOMICS)
    if frac == 0:
        return str(whole)
    return f"{whole}.{str(frac).rjust(18, '0').rstrip('0')}"


def dec_coin(c, denom):
    """A DecCoin as the CLI prints it ({"denom", "amount"} or "1.5inj") in `denom`, else 0."""
    if isinstance(c, dict):
        return float(c["amount"]) if c.get("denom") == denom else 0.0
    return float(c[: -len(denom)]) if c.endswith(denom) else 0.0


def stream(price_atomics, blocks):
    """What a lease term streams over `blocks` from a zero carry: floor(price × blocks). The
    escrow's lazy settlement carries the fraction, so any split of the blocks sums to this."""
    return price_atomics * blocks // ATOMICS


def take_fee(gross, carry=0, bps=100):
    """The escrow's take fee and the lease's new fee carry (in 10^-18 units): the fee on each
    payout is floor(carry + gross × bps / 10 000), the sub-unit rest carried to the next one."""
    atoms = gross * bps * (10**18 // 10_000) + carry
    return min(atoms // 10**18, gross), atoms % 10**18


# ---- the node -----------------------------------------------------------------------------


class Chain:
    def __init__(self):
        try:
            self.binary = os.environ["INJECTIVED"]
            self.home = os.environ["LOCALNET_HOME"]
            self.node = os.environ["LOCALNET_NODE"]
            self.chain_id = os.environ["LOCALNET_CHAIN_ID"]
            self.denom = os.environ.get("LOCALNET_DENOM", "inj")
            lib = os.environ["INJECTIVED_LIB"]
        except KeyError as e:
            raise SystemExit(f"e2e.py: {e.args[0]} is not set: run through scripts/e2e.sh") from e
        self.env = dict(os.environ)
        self.env["LD_LIBRARY_PATH"] = lib + (
            ":" + os.environ["LD_LIBRARY_PATH"] if os.environ.get("LD_LIBRARY_PATH") else ""
        )
        self._addresses = {}

    def run(self, args, timeout=90):
        p = subprocess.run(
            [self.binary, *args],
            capture_output=True,
            text=True,
            env=self.env,
            timeout=timeout,
        )
        if p.returncode != 0:
            raise StepFailed(
                f"injectived {' '.join(args[:4])} ... exited {p.returncode}: "
                f"{(p.stderr or p.stdout).strip()[-1500:]}"
            )
        return p.stdout

    def q(self, *args):
        return json.loads(self.run(["q", *args, "--node", self.node, "-o", "json"]))

    def keys(self, *args):
        return self.run(["keys", *args, "--keyring-backend", "test", "--home", self.home]).strip()

    def address(self, name):
        if name not in self._addresses:
            self._addresses[name] = self.keys("show", name, "-a")
        return self._addresses[name]

    def valoper(self, name):
        return self.keys("show", name, "--bech", "val", "-a")

    # -- time --

    def status(self):
        info = json.loads(self.run(["status", "--node", self.node]))["sync_info"]
        return int(info["latest_block_height"]), parse_time(info["latest_block_time"])

    def height(self):
        return self.status()[0]

    def wait_height(self, height, timeout=120):
        deadline = time.monotonic() + timeout
        while self.height() < height:
            check(time.monotonic() < deadline, f"height {height} not reached in {timeout}s")
            time.sleep(0.3)

    def wait_time(self, seconds, timeout=300):
        """Until a committed block's time is at least `seconds` (unix)."""
        deadline = time.monotonic() + timeout
        while self.status()[1] < seconds:
            check(time.monotonic() < deadline, f"chain time {seconds} not reached in {timeout}s")
            time.sleep(0.5)

    # -- queries --

    def balance(self, address, denom=None):
        return int(self.q("bank", "balance", address, denom or self.denom)["balance"]["amount"])

    def smart(self, contract, msg):
        return self.q("wasm", "contract-state", "smart", contract, json.dumps(msg))["data"]

    # -- transactions --

    def _flags(self, sender, gas):
        flags = [
            "--from", sender,
            "--keyring-backend", "test",
            "--home", self.home,
            "--node", self.node,
            "--chain-id", self.chain_id,
            "--gas-prices", f"{GAS_PRICE}{self.denom}",
            "-o", "json",
        ]
        if gas is None:
            return flags + ["--gas", "auto", "--gas-adjustment", GAS_ADJUSTMENT]
        return flags + ["--gas", str(gas)]

    def broadcast(self, args, sender, gas=None, amount=None):
        """Signs and broadcasts one transaction; returns its hash once CheckTx accepted it.
        `gas=None` lets the node simulate it (adjusted ×1.3); a fixed `gas` lets a transaction
        that is meant to fail reach a block."""
        flags = self._flags(sender, gas) + ["-b", "sync", "-y"]
        if amount:
            flags += ["--amount", f"{amount}{self.denom}"]
        return self._sent(self.run(["tx", *args, *flags]))

    def _sent(self, out):
        # The CLI prints the gas estimate on stderr and the broadcast result on stdout.
        sent = json.loads(out[out.index("{"):])
        if int(sent.get("code", 0)) != 0:
            raise StepFailed(f"rejected by CheckTx: {sent.get('raw_log')}")
        return sent["txhash"]

    def tx(self, args, sender, gas=None, amount=None):
        """Broadcasts one transaction, waits for its block and returns its result."""
        return self.wait_tx(self.broadcast(args, sender, gas, amount))

    def tx_repeated(self, args, sender, copies, gas, workdir):
        """One transaction carrying the message `args` builds `copies` times (generated,
        multiplied, signed and broadcast with the CLI)."""
        unsigned = json.loads(self.run(["tx", *args, *self._flags(sender, gas),
                                        "--generate-only"]))
        unsigned["body"]["messages"] = unsigned["body"]["messages"] * copies
        path = os.path.join(workdir, f"tx-{sender}-{copies}.json")
        try:
            with open(path, "w") as f:
                json.dump(unsigned, f)
            signed = self.run(["tx", "sign", path, "--from", sender, "--keyring-backend", "test",
                               "--home", self.home, "--node", self.node,
                               "--chain-id", self.chain_id, "-o", "json"])
            with open(path, "w") as f:
                f.write(signed)
            out = self.run(["tx", "broadcast", path, "--node", self.node, "-b", "sync",
                            "-o", "json"])
        finally:
            # The file is only the CLI's way in; nothing reads it afterwards.
            if os.path.exists(path):
                os.remove(path)
        return self.wait_tx(self._sent(out))

    def wait_tx(self, txhash, timeout=60):
        deadline = time.monotonic() + timeout
        while True:
            p = subprocess.run(
                [self.binary, "q", "tx", txhash, "--node", self.node, "-o", "json"],
                capture_output=True,
                text=True,
                env=self.env,
                timeout=60,
            )
            if p.returncode == 0:
                return TxResult(json.loads(p.stdout), self)
            check(time.monotonic() < deadline, f"tx {txhash} not in a block after {timeout}s")
            time.sleep(0.3)

    def tx_bytes(self, height, txhash):
        """Size of the transaction as the block holds it (the ante handler charges per byte)."""
        block = self.q("block", "--type=height", str(height))
        for raw in block["data"].get("txs") or []:
            data = base64.b64decode(raw)
            if hashlib.sha256(data).hexdigest().upper() == txhash.upper():
                return len(data)
        return None


def parse_time(text):
    # RFC 3339 with nanoseconds; fromisoformat takes at most microseconds.
    head, _, frac = text.rstrip("Z").partition(".")
    stamp = datetime.fromisoformat(head + "+00:00").timestamp()
    return stamp + (float("0." + frac) if frac else 0.0)


class TxResult:
    def __init__(self, d, chain):
        self.hash = d["txhash"]
        self.code = int(d["code"])
        self.raw_log = d.get("raw_log", "")
        self.height = int(d["height"])
        self.gas_wanted = int(d["gas_wanted"])
        self.gas_used = int(d["gas_used"])
        fee = d["tx"]["auth_info"]["fee"]["amount"]
        self.fee = sum(int(c["amount"]) for c in fee if c["denom"] == chain.denom)
        self.events = d.get("events", [])
        self.bytes = chain.tx_bytes(self.height, self.hash)

    def attrs(self, type_suffix):
        """Attributes of every event whose type ends with `type_suffix`, one dict each."""
        return [
            {a["key"]: a["value"] for a in e["attributes"]}
            for e in self.events
            if e["type"].endswith(type_suffix)
        ]

    def attr(self, type_suffix, key):
        found = [a[key] for a in self.attrs(type_suffix) if key in a]
        check(found, f"tx {self.hash}: no event *{type_suffix} with attribute {key}")
        return found[0]


# ---- the run ------------------------------------------------------------------------------


class Run:
    def __init__(self, chain):
        self.chain = chain
        self.records = []
        self.results = []
        self.contracts = {}
        self.code_ids = {}
        self.a = {}
        # Filled by tx_overhead: the ante handler's gas, the same for every transaction.
        self.overhead = None

    def addr(self, name):
        return self.chain.address(name)

    def record(self, step, contract, message, res, bench=None, note=""):
        self.records.append(
            {
                "step": step,
                "contract": contract,
                "message": message,
                "bench": bench,
                "txhash": res.hash,
                "height": res.height,
                "code": res.code,
                "gas_wanted": res.gas_wanted,
                "gas_used": res.gas_used,
                "tx_bytes": res.bytes,
                "fee": str(res.fee),
                "note": note,
            }
        )

    def execute(self, step, contract, msg, sender, amount=None, bench=None, expect_fail=False,
                note=""):
        """Executes `msg` on the suite's `contract` (artifact name) as key `sender`."""
        message = next(iter(msg))
        res = self.chain.tx(
            ["wasm", "execute", self.contracts[contract], json.dumps(msg)],
            sender,
            gas=600_000 if expect_fail else None,
            amount=amount,
        )
        self.record(step, contract, message, res, None if expect_fail else bench, note)
        if expect_fail:
            check(res.code != 0, f"{step}: expected the transaction to fail, it passed")
        elif res.code != 0:
            raise StepFailed(f"{step}: {contract}.{message} failed (code {res.code}): {res.raw_log}")
        return res

    def query(self, contract, msg):
        return self.chain.smart(self.contracts[contract], msg)

    def bal(self, name_or_contract):
        if name_or_contract in self.contracts:
            return self.chain.balance(self.contracts[name_or_contract])
        return self.chain.balance(self.addr(name_or_contract))

    def flow(self, name, fn):
        started = time.monotonic()
        print(f"\n== {name}", flush=True)
        try:
            fn()
        except StepFailed as e:
            self.results.append((name, False, str(e), time.monotonic() - started))
            print(f"   FAILED: {e}", flush=True)
            return False
        except subprocess.TimeoutExpired as e:
            self.results.append((name, False, f"timeout: {e}", time.monotonic() - started))
            print(f"   FAILED: timeout: {e}", flush=True)
            return False
        except Exception as e:  # a bug in this script: keep the trace
            self.results.append((name, False, repr(e), time.monotonic() - started))
            traceback.print_exc()
            return False
        self.results.append((name, True, "", time.monotonic() - started))
        print(f"   ok ({time.monotonic() - started:.1f}s)", flush=True)
        return True


def ok(text):
    print(f"   - {text}", flush=True)


# ---- deployment ---------------------------------------------------------------------------

ARTIFACT_ORDER = [
    "spice_token",
    "buyback_burn",
    "staking_vault",
    "rollover_escrow",
    "order_book",
    "provider_incentives",
]

# Incentives: a one-hour epoch (the contract's minimum) whose genesis lies in the past, so the
# current epoch ends EPOCH_ENDS_AFTER seconds after instantiation; short report and dispute
# windows (the contract bounds neither from below).
EPOCH_SECONDS = 3_600
EPOCH_ENDS_AFTER = 45
REPORT_WINDOW_SECONDS = 20
DISPUTE_WINDOW_SECONDS = 10


def deploy(run):
    chain = run.chain
    for name in ARTIFACT_ORDER:
        path = os.path.join(ARTIFACTS, f"{name}.wasm")
        check(os.path.exists(path), f"{path} missing (scripts/build-wasm.sh builds it)")
        res = chain.tx(["wasm", "store", path], "owner")
        run.record(f"store {name}", name, "store_code", res,
                   note=f"{os.path.getsize(path)} bytes of wasm")
        check(res.code == 0, f"store {name}: {res.raw_log}")
        run.code_ids[name] = int(res.attr("store_code", "code_id"))
    ok("stored " + ", ".join(f"{n}={c}" for n, c in run.code_ids.items()))

    owner = run.addr("owner")
    guardian = run.addr("guardian")
    treasury = run.addr("user1")
    valoper = chain.valoper("validator")
    run.a["valoper"] = valoper

    def instantiate(name, msg):
        res = chain.tx(
            ["wasm", "instantiate", str(run.code_ids[name]), json.dumps(msg),
             "--label", name.replace("_", "-"), "--admin", owner],
            "owner",
        )
        run.record(f"instantiate {name}", name, "instantiate", res)
        check(res.code == 0, f"instantiate {name}: {res.raw_log}")
        run.contracts[name] = res.attr("instantiate", "_contract_address")
        return res

    instantiate("spice_token", {
        "name": "Spice", "symbol": "SPICE", "decimals": 6,
        "initial_balances": [{"address": treasury, "amount": str(100_000_000 * SPICE)}],
        "mint": {"minter": owner, "cap": str(1_000_000_000 * SPICE)},
        "marketing": None, "owner": owner, "guardian": guardian,
        # Osmosis tokenfactory only: no native twin on this chain.
        "native": None,
    })
    token = run.contracts["spice_token"]
    instantiate("buyback_burn", {
        "owner": owner, "guardian": guardian, "spice_token": token,
        # Where native SPICE would live on Osmosis; buyback-burn never swaps on this chain.
        "spice_denom": f"factory/{token}/uspice",
        "twap_window_seconds": 1800, "max_slippage": "0.02", "max_spot_deviation": "0.03",
        "keeper_bounty_bps": 20, "cooldown_seconds": 3600,
        "per_call_cap": "1000000000", "epoch_cap": "10000000000", "epoch_seconds": 86400,
    })
    instantiate("staking_vault", {
        "owner": owner, "guardian": guardian,
        # The staking asset is the chain's own denom, staked natively with its validator.
        "akt_denom": chain.denom,
        "revenue_recipient": run.contracts["buyback_burn"],
        "twap_window_seconds": 1800, "max_slippage": "0.02", "max_spot_deviation": "0.03",
        "keeper_bounty_bps": 20, "convert_cooldown_seconds": 3600,
        "per_convert_cap": None, "unbonding_period_seconds": 60,
        "strategy": {"native": {"validators": [{"address": valoper, "weight": 1}]}},
    })
    instantiate("rollover_escrow", {
        "owner": owner, "guardian": guardian,
        "accepted_denoms": [chain.denom],
        "take_fee_bps": 100,
        "fee_collector": run.contracts["staking_vault"],
        "grace_period_blocks": 600, "heartbeat_timeout_blocks": 100,
        "order_book": None, "keeper_bounty_bps": 10, "incentives": None,
        "monitors": [run.addr("monitor")], "max_backups": None, "bond_slash_bps": None,
    })
    instantiate("order_book", {
        "owner": owner, "guardian": guardian,
        "escrow": run.contracts["rollover_escrow"],
        "accepted_denoms": [chain.denom],
        "min_runway_blocks": 14_400, "max_open_orders_per_tenant": 20,
        "provider_registry": None, "keeper_bounty_bps": 10,
        "max_open_offers_per_provider": None,
        # A book without a provider registry must charge offers a deposit (against Sybil
        # offers); the wiring below sets the registry and drops it, as spice-suite does.
        "offer_deposit": {"denom": chain.denom, "amount": "5000000"},
    })
    _, now = chain.status()
    genesis = int(now) - EPOCH_SECONDS + EPOCH_ENDS_AFTER
    run.a["incentives_genesis"] = genesis
    instantiate("provider_incentives", {
        "owner": owner, "guardian": guardian,
        "reward_denoms": [chain.denom],
        "genesis_time": str(genesis * 10**9),
        "epoch_seconds": EPOCH_SECONDS,
        "report_window_seconds": REPORT_WINDOW_SECONDS,
        "dispute_window_seconds": DISPUTE_WINDOW_SECONDS,
        # Two oracles that must agree (M = N = 2).
        "oracles": [run.addr("oracle"), run.addr("user2")], "oracle_quorum": 2,
        "auditors": [run.addr("auditor")],
        "escrow": run.contracts["rollover_escrow"],
        "tier_multipliers": None, "bond_denom": None, "min_bond": None,
        "max_report_entries": None,
    })
    # Close the loop the instantiation order could not (as spice-suite's deploy does).
    run.execute("wire escrow -> order book, incentives", "rollover_escrow", {"update_config": {
        "order_book": run.contracts["order_book"],
        "incentives": run.contracts["provider_incentives"],
    }}, "owner")
    run.execute("wire order book -> provider registry", "order_book", {"update_config": {
        "provider_registry": run.contracts["provider_incentives"],
        "offer_deposit": {"denom": chain.denom, "amount": "0"},
    }}, "owner")

    cfg = run.query("rollover_escrow", {"config": {}})
    expect_eq("escrow order_book", cfg["order_book"], run.contracts["order_book"])
    expect_eq("escrow incentives", cfg["incentives"], run.contracts["provider_incentives"])
    expect_eq("escrow fee_collector", cfg["fee_collector"], run.contracts["staking_vault"])
    cfg = run.query("order_book", {"config": {}})
    expect_eq("book provider_registry", cfg["provider_registry"],
              run.contracts["provider_incentives"])
    cfg = run.query("staking_vault", {"config": {}})
    expect_eq("vault revenue_recipient", cfg["revenue_recipient"], run.contracts["buyback_burn"])
    for name, address in run.contracts.items():
        ok(f"{name:<20} {address}")


# ---- the ante handler's share of every transaction ----------------------------------------

ACCOUNTS = ["owner", "guardian", "operator", "oracle", "auditor", "monitor", "keeper", "tenant",
            "provider", "backup", "user1", "user2"]


def warm_up(run):
    """Every account sends itself 1inj once. An account's first transaction also stores its
    public key on chain (about 15,000 gas more); after this, every account's transactions cost
    the same ante-handler gas, so the gas of two steps compares."""
    chain = run.chain
    hashes = [chain.broadcast(["bank", "send", who, run.addr(who), f"1{chain.denom}"], who,
                              gas=200_000) for who in ACCOUNTS]
    results = [chain.wait_tx(h) for h in hashes]
    for who, res in zip(ACCOUNTS, results):
        check(res.code == 0, f"warm-up send of {who}: {res.raw_log}")
    ok(f"{len(ACCOUNTS)} accounts: first transactions (public keys stored), gas_used "
       f"{min(r.gas_used for r in results)}..{max(r.gas_used for r in results)}")


def tx_overhead(run, workdir):
    """The gas a transaction costs besides its messages: the same MsgSend once and twice in
    one transaction, gas(n) = overhead + n × per-message, so overhead = 2·gas(1) − gas(2).
    That is the ante handler (signature verification, fee deduction, account and sequence,
    10 gas per byte of the transaction's envelope)."""
    chain = run.chain
    args = ["bank", "send", "user1", run.addr("user2"), f"1{chain.denom}"]
    one = chain.tx_repeated(args, "user1", 1, 300_000, workdir)
    two = chain.tx_repeated(args, "user1", 2, 300_000, workdir)
    check(one.code == 0 and two.code == 0, f"reference sends: {one.raw_log} {two.raw_log}")
    run.record("reference: bank send, one MsgSend", "bank", "send", one,
               note="no contract: the ante handler plus one MsgSend")
    run.record("reference: bank send, two MsgSends", "bank", "send", two,
               note="the same MsgSend twice in one transaction")
    overhead = 2 * one.gas_used - two.gas_used
    per_send = two.gas_used - one.gas_used
    check(0 < overhead < one.gas_used, f"overhead {overhead} out of range")
    run.overhead = {
        "gas": overhead,
        "bank_send_one": one.gas_used,
        "bank_send_two": two.gas_used,
        "per_msg_send": per_send,
        "how": "2 x gas(one MsgSend) - gas(two MsgSends), same sender, after its first tx",
    }
    ok(f"tx overhead {overhead} gas (one MsgSend {one.gas_used}, two {two.gas_used}: "
       f"{per_send} per MsgSend)")


# ---- spice-token --------------------------------------------------------------------------


def spice_token(run):
    T = "spice_token"
    user1, user2, tenant = run.addr("user1"), run.addr("user2"), run.addr("tenant")

    def balance(who):
        return int(run.query(T, {"balance": {"address": who}})["balance"])

    def supply():
        return run.query(T, {"supply": {}})

    s0 = supply()
    expect_eq("initial minted", int(s0["minted"]), 100_000_000 * SPICE)
    expect_eq("initial native supply", int(s0["native_supply"]), 0)

    minted = 10_000_000 * SPICE
    run.execute("token: DAO mints to the treasury", T,
                {"mint": {"recipient": user1, "amount": str(minted)}}, "owner")
    expect_eq("treasury after mint", balance(user1), 110_000_000 * SPICE)
    expect_eq("minted after mint", int(supply()["minted"]), 110_000_000 * SPICE)
    ok("mint: 10,000,000 SPICE to the treasury")

    before = (balance(user1), balance(user2))
    moved = 1_234_567 * SPICE
    run.execute("token: transfer to a holder's friend", T,
                {"transfer": {"recipient": user2, "amount": str(moved)}}, "user1",
                bench="transfer")
    expect_eq("sender after transfer", balance(user1), before[0] - moved)
    expect_eq("recipient after transfer", balance(user2), before[1] + moved)
    ok(f"transfer: {moved} to user2")
    run.execute("token: transfer to a new account", T,
                {"transfer": {"recipient": tenant, "amount": str(5 * SPICE)}}, "user2")
    expect_eq("new account after transfer", balance(tenant), 5 * SPICE)

    # cw20 send: none of the suite's contracts takes a cw20 Receive hook (SPICE is paid in by
    # transfer or as native SPICE on Osmosis), so a send to one must fail as a whole: the hook
    # call errors and the token's debit is reverted with it.
    before = (balance(user2), balance(run.contracts["rollover_escrow"]))
    res = run.execute("token: send to a contract without a cw20 hook (reverts)", T,
                      {"send": {"contract": run.contracts["rollover_escrow"],
                                "amount": str(1_000 * SPICE), "msg": base64.b64encode(
                                    b'{"deposit":{"lease_id":1}}').decode()}},
                      "user2", expect_fail=True,
                      note="fails on chain: the escrow has no receive entry point")
    check("unknown variant" in res.raw_log or "receive" in res.raw_log,
          f"send failed for another reason: {res.raw_log}")
    expect_eq("sender after reverted send", balance(user2), before[0])
    expect_eq("escrow after reverted send", balance(run.contracts["rollover_escrow"]), before[1])
    ok("send: rejected by the receiving contract, nothing moved")

    s1, stats0 = supply(), run.query(T, {"burn_stats": {}})
    info0 = run.query(T, {"token_info": {}})
    burned = 2_500_000 * SPICE
    before = balance(user1)
    run.execute("token: treasury burns", T, {"burn": {"amount": str(burned)}}, "user1",
                bench="burn")
    s2, stats = supply(), run.query(T, {"burn_stats": {}})
    info = run.query(T, {"token_info": {}})
    expect_eq("burner balance", balance(user1), before - burned)
    expect_eq("burn_stats.cw20_burn", int(stats["cw20_burn"]), int(stats0["cw20_burn"]) + burned)
    expect_eq("burn_stats.total", int(stats["total"]), int(stats0["total"]) + burned)
    expect_eq("burn_stats.native", int(stats["native"]), 0)
    expect_eq("supply.burned", int(s2["burned"]), int(s1["burned"]) + burned)
    expect_eq("supply.cw20_supply", int(s2["cw20_supply"]), int(s1["cw20_supply"]) - burned)
    expect_eq("token_info.total_supply", int(info["total_supply"]),
              int(info0["total_supply"]) - burned)
    expect_eq("minted == cw20 + native + burned", int(s2["minted"]),
              int(s2["cw20_supply"]) + int(s2["native_supply"]) + int(s2["burned"]))
    burners = run.query(T, {"burners": {}})
    top = {b["address"]: int(b["burned"]) for b in burners["burners"]}
    expect_eq("burners[treasury]", top.get(user1), burned)
    ok(f"burn: {burned}; supply {s2['cw20_supply']} = minted {s2['minted']} - burned "
       f"{s2['burned']}")


# ---- staking-vault, native strategy -------------------------------------------------------


def staking_vault(run):
    V = "staking_vault"
    chain = run.chain
    vault = run.contracts[V]
    valoper = run.a["valoper"]

    def books():
        return run.query(V, {"status": {}})["books"]

    deposit = 100 * INJ
    before = run.bal("user1")
    res = run.execute("vault: treasury deposits inj", V, {"deposit": {}}, "user1",
                      amount=deposit, bench="deposit")
    expect_eq("depositor balance", run.bal("user1"), before - deposit - res.fee)
    b = books()
    expect_eq("books.pending", int(b["pending"]), deposit)
    expect_eq("books.acquired", int(b["acquired"]), deposit)
    ok(f"deposit: {deposit} pending")

    run.execute("vault: keeper stakes with the validator", V, {"stake": {}}, "keeper")
    b = books()
    expect_eq("books.staked", int(b["staked"]), deposit)
    expect_eq("books.pending after stake", int(b["pending"]), 0)
    d = chain.q("staking", "delegation", vault, valoper)["delegation_response"]
    expect_eq("delegation balance", int(d["balance"]["amount"]), deposit)
    ok(f"stake: q staking delegation shows {d['balance']['amount']} with {valoper}")

    # Let real rewards accrue.
    chain.wait_height(chain.height() + 4)
    rewards = chain.q("distribution", "rewards-by-validator", vault, valoper)["rewards"]
    accrued = sum(dec_coin(r, chain.denom) for r in rewards)
    check(accrued > 0, f"no rewards accrued: {rewards}")
    ok(f"rewards accrued so far: ~{accrued:.0f}")

    vault_before = run.bal(V)
    recipient_before = run.bal("buyback_burn")
    keeper_before = run.bal("keeper")
    res = run.execute("vault: keeper harvests real rewards", V, {"harvest": {}}, "keeper",
                      bench="harvest (native: withdraw rewards)",
                      note="the distribution withdrawal, the reply and both bank sends included")
    withdrawn_by_module = sum(
        int(a["amount"].removesuffix(chain.denom))
        for a in res.attrs("withdraw_rewards")
        if a.get("amount", "").endswith(chain.denom)
    )
    h = res.attrs(".harvest")
    check(h, "no harvest event")
    h = h[0]
    revenue, bounty, net = int(h["revenue"]), int(h["bounty"]), int(h["to_recipient"])
    check(revenue > 0, "harvested nothing")
    expect_eq("revenue == what the distribution module paid", revenue, withdrawn_by_module)
    expect_eq("bounty = floor(revenue × 20 bps)", bounty, revenue * 20 // 10_000)
    expect_eq("net = revenue - bounty", net, revenue - bounty)
    expect_eq("revenue recipient (buyback-burn) received", run.bal("buyback_burn"),
              recipient_before + net)
    expect_eq("keeper received the bounty (less its fee)", run.bal("keeper"),
              keeper_before + bounty - res.fee)
    expect_eq("vault bank balance unchanged", run.bal(V), vault_before)
    b = books()
    expect_eq("books.revenue_harvested", int(b["revenue_harvested"]), net)
    expect_eq("books.harvest_bounties", int(b["harvest_bounties"]), bounty)
    expect_eq("books.staked after harvest", int(b["staked"]), deposit)
    principal = sum(int(b[k]) for k in ("pending", "transferring", "at_operator", "staked",
                                         "unbonding", "returned", "unbonded_out", "lost"))
    expect_eq("principal conserved", principal, int(b["acquired"]))
    ok(f"harvest: revenue {revenue} -> buyback-burn {net}, keeper bounty {bounty}")


# ---- provider-incentives ------------------------------------------------------------------

AUDIT_TIERS = {"provider": 2, "backup": 1}  # tier multipliers 1.5 and 1.0 (the defaults)
UTILIZATION = {"provider": 1_000, "backup": 500}
BUDGET = 10 * INJ


def incentives_open(run):
    """Epoch 0, while it runs: providers register and are audited, the epoch is funded, two
    oracles report the same utilization."""
    P = "provider_incentives"
    for who in ("provider", "backup"):
        run.execute(f"incentives: {who} registers", P, {"register_provider": {"info": {
            "moniker": f"spice-{who}", "host_uri": f"https://{who}.spice.example:8443"}}},
            who, bench="register_provider" if who == "provider" else None)
        run.execute(f"incentives: auditor audits {who}", P, {"audit_provider": {
            "provider": run.addr(who), "tier": AUDIT_TIERS[who],
            "attributes": [{"key": "gpu", "value": "a100"}]}}, "auditor",
            bench="audit_provider" if who == "provider" else None)
        p = run.query(P, {"provider": {"address": run.addr(who)}})
        expect_eq(f"{who} tier", p["tier"], AUDIT_TIERS[who])
    epoch = run.query(P, {"epoch": {"epoch": 0}})
    expect_eq("current epoch", epoch["current_epoch"], 0)
    run.execute("incentives: treasury funds epoch 0", P, {"fund": {"epoch": 0}}, "user1",
                amount=BUDGET, bench="fund")
    entries = [{"provider": run.addr(w), "utilization_units": str(u)}
               for w, u in UTILIZATION.items()]
    first = run.execute("incentives: oracle 1 reports", P,
                        {"submit_report": {"epoch": 0, "entries": entries}}, "oracle")
    expect_eq("agreed after one of two oracles", first.attr(".submit_report", "agreed"), "0")
    second = run.execute("incentives: oracle 2 reports the same", P,
                         {"submit_report": {"epoch": 0, "entries": entries}}, "user2",
                         bench="submit_report",
                         note="the agreeing report: both entries credited")
    expect_eq("agreed after both oracles", second.attr(".submit_report", "agreed"), "2")
    epoch = run.query(P, {"epoch": {"epoch": 0}})
    expect_eq("epoch 0 budget", epoch["budget"], [{"denom": run.chain.denom,
                                                   "amount": str(BUDGET)}])
    expect_eq("epoch 0 total weight", int(epoch["total_weight"]), 1_000 * 3 // 2 + 500)
    ok(f"epoch 0 funded with {BUDGET}, weight {epoch['total_weight']}, ends at "
       f"{int(epoch['ends_at']) // 10**9}")


def incentives_settle(run):
    """After the epoch and its report window: finalize, then claim after the dispute window."""
    P = "provider_incentives"
    chain = run.chain
    epoch = run.query(P, {"epoch": {"epoch": 0}})
    closes = int(epoch["report_window_closes_at"]) / 1e9
    chain.wait_time(closes + 1)
    run.execute("incentives: keeper finalizes epoch 0", P, {"finalize_epoch": {"epoch": 0}},
                "keeper", bench="finalize_epoch")
    epoch = run.query(P, {"epoch": {"epoch": 0}})
    expect_eq("epoch 0 status", epoch["status"], "finalized")
    chain.wait_time(int(epoch["claimable_at"]) / 1e9 + 1)
    total = int(epoch["total_weight"])
    paid = 0
    for who in ("provider", "backup"):
        weight = UTILIZATION[who] * (3 if AUDIT_TIERS[who] == 2 else 2) // 2
        want = BUDGET * weight // total
        pending = run.query(P, {"pending_rewards": {"provider": run.addr(who)}})
        expect_eq(f"{who} claimable", pending["claimable"],
                  [{"denom": chain.denom, "amount": str(want)}])
        before = run.bal(who)
        res = run.execute(f"incentives: {who} claims", P,
                          {"claim": {"epochs": None, "limit": None}}, who,
                          bench="claim" if who == "provider" else None)
        expect_eq(f"{who} balance after claim", run.bal(who), before + want - res.fee)
        paid += want
        ok(f"{who}: weight {weight}/{total} claimed {want}")
    expect_eq("claims add up to the budget", paid, BUDGET)
    expect_eq("incentives contract holds nothing of the epoch",
              run.bal(P), 0)


# ---- rollover-escrow ----------------------------------------------------------------------

PRIMARY_PRICE = "1000000000000000.25"  # inj base units per block: 0.001 INJ and a fraction
BACKUP_PRICE = "1200000000000000.5"
LEASE_DEPOSIT = 1 * INJ
TOP_UP = INJ // 2
PREFUND = 5 * INJ
TARGET_RUNWAY = 3_000


def escrow(run):
    E = "rollover_escrow"
    chain = run.chain
    p1, p2 = dec(PRIMARY_PRICE), dec(BACKUP_PRICE)

    def lease(lease_id):
        return run.query(E, {"lease": {"lease_id": lease_id}})

    def conserved(lz):
        lhs = int(lz["total_deposited"])
        rhs = (int(lz["total_paid"]) + int(lz["total_fees"]) + int(lz["total_refunded"])
               + int(lz["balance"]) + int(lz["earned"]))
        expect_eq("deposited == paid + fees + refunded + balance + earned", lhs, rhs)

    tenant_before = run.bal("tenant")
    escrow_before = run.bal(E)
    res = run.execute("escrow: tenant opens a lease with a backup", E, {"open_lease": {
        "tenant": None, "provider": run.addr("provider"), "price_per_block": PRIMARY_PRICE,
        "denom": chain.denom,
        "backups": [{"provider": run.addr("backup"), "price_per_block": BACKUP_PRICE}],
        "spec_ref": "gpu-a100-x1", "order_id": None}}, "tenant", amount=LEASE_DEPOSIT,
        bench="open_lease")
    lease_id = int(res.attr(".open_lease", "lease_id"))
    expect_eq("tenant paid the deposit", run.bal("tenant"),
              tenant_before - LEASE_DEPOSIT - res.fee)
    expect_eq("escrow holds the deposit", run.bal(E), escrow_before + LEASE_DEPOSIT)
    expect_eq("status", lease(lease_id)["status"], "pending")
    # A backup takes a lease over only if it agreed in advance.
    run.execute("escrow: backup accepts its standby role", E,
                {"accept_backup": {"lease_id": lease_id}}, "backup", bench="accept_backup")

    res = run.execute("escrow: provider accepts", E, {"accept_lease": {"lease_id": lease_id}},
                      "provider", bench="accept_lease")
    h_start = res.height
    lz = lease(lease_id)
    expect_eq("status", lz["status"], "active")
    expect_eq("provider_since", lz["provider_since"], h_start)
    ok(f"lease {lease_id}: active from height {h_start} at {PRIMARY_PRICE}/block")

    chain.wait_height(h_start + 3)
    res = run.execute("escrow: keeper settles", E, {"settle": {"lease_id": lease_id}}, "keeper",
                      bench="settle")
    lz = lease(lease_id)
    # The query streams the lease to the block it reads, which may be past the settle's.
    check(lz["settled_height"] >= res.height, f"settled_height {lz['settled_height']}")
    expect_eq("earned = price × blocks", int(lz["earned"]),
              stream(p1, lz["settled_height"] - h_start))

    chain.wait_height(res.height + 2)
    provider_before, vault_before = run.bal("provider"), run.bal("staking_vault")
    res = run.execute("escrow: provider withdraws", E, {"withdraw": {"lease_id": lease_id}},
                      "provider", bench="withdraw",
                      note="bank sends to provider and fee collector, incentives hook included")
    g1 = stream(p1, res.height - h_start)
    f1, fee_carry = take_fee(g1)
    expect_eq("withdraw amount = price × blocks", int(res.attr(".escrow.withdraw", "amount")), g1)
    expect_eq("provider received net (less its fee)", run.bal("provider"),
              provider_before + g1 - f1 - res.fee)
    expect_eq("take fee to the vault", run.bal("staking_vault"), vault_before + f1)
    lz = lease(lease_id)
    expect_eq("total_paid", int(lz["total_paid"]), g1 - f1)
    expect_eq("total_fees", int(lz["total_fees"]), f1)
    conserved(lz)
    paid_primary, fees = g1, f1
    ok(f"withdraw after {res.height - h_start} blocks: {g1} (fee {f1})")

    res = run.execute("escrow: provider heartbeat", E, {"heartbeat": {"lease_id": lease_id}},
                      "provider", bench="heartbeat")
    expect_eq("last_heartbeat", lease(lease_id)["last_heartbeat"], res.height)
    res = run.execute("escrow: provider-level heartbeat (all its leases)", E, {"heartbeat": {}},
                      "provider", bench="heartbeat_provider")
    expect_eq("last_heartbeat", lease(lease_id)["last_heartbeat"], res.height)

    tenant_before = run.bal("tenant")
    res = run.execute("escrow: tenant tops up", E, {"deposit": {"lease_id": lease_id}}, "tenant",
                      amount=TOP_UP, bench="deposit")
    expect_eq("tenant paid the top-up", run.bal("tenant"), tenant_before - TOP_UP - res.fee)
    lz = lease(lease_id)
    expect_eq("total_deposited", int(lz["total_deposited"]), LEASE_DEPOSIT + TOP_UP)
    conserved(lz)

    # The keeper's automatic top-up from the tenant's prefunded balance.
    run.execute("escrow: tenant prefunds a balance", E, {"fund_balance": {}}, "tenant",
                amount=PREFUND)
    run.execute("escrow: tenant sets an auto top-up", E, {"set_auto_top_up": {
        "lease_id": lease_id, "target_runway_blocks": TARGET_RUNWAY, "source": "balance"}},
        "tenant")
    keeper_before = run.bal("keeper")
    res = run.execute("escrow: keeper tops up", E, {"top_up": {"lease_id": lease_id}}, "keeper")
    blocks = res.height - h_start
    carry = p1 * blocks % ATOMICS
    balance_then = LEASE_DEPOSIT + TOP_UP - stream(p1, blocks)
    needed = (carry + p1 * TARGET_RUNWAY) // ATOMICS - balance_then
    moved = min(needed, PREFUND)
    bounty = min(moved * 10 // 10_000, PREFUND - moved)
    expect_eq("moved to reach the target runway", int(res.attr(".top_up", "amount")), moved)
    expect_eq("keeper bounty", int(res.attr(".top_up", "bounty")), bounty)
    expect_eq("keeper received its bounty (less its fee)", run.bal("keeper"),
              keeper_before + bounty - res.fee)
    bal = run.query(E, {"balance": {"owner": run.addr("tenant"), "denom": chain.denom}})
    expect_eq("tenant prefunded balance left", int(bal["amount"]), PREFUND - moved - bounty)
    lz = lease(lease_id)
    # Funded through at least TARGET_RUNWAY blocks past the top-up (the query's own runway
    # counts from the block it reads).
    check(lz["depletion_height"] >= res.height + TARGET_RUNWAY,
          f"depletion height {lz['depletion_height']} before {res.height} + {TARGET_RUNWAY}")
    conserved(lz)
    ok(f"top-up: tenant +{TOP_UP}, keeper moved {moved} from the prefunded balance "
       f"(bounty {bounty}), funded to height {lz['depletion_height']}")

    res = run.execute("escrow: monitor reports the provider failed", E, {"report_failure": {
        "lease_id": lease_id, "reason": 10_100}}, "monitor")
    h_fail = res.height
    chain.wait_height(h_fail + 2)
    provider_before, vault_before = run.bal("provider"), run.bal("staking_vault")
    res = run.execute("escrow: monitor rolls over to the backup", E,
                      {"rollover": {"lease_id": lease_id}}, "monitor", bench="rollover",
                      note="pays the outgoing provider (bank sends, incentives hook)")
    h_roll = res.height
    g2 = stream(p1, h_fail - h_start) - paid_primary
    f2, fee_carry = take_fee(g2, fee_carry)
    expect_eq("primary paid up to the failure, not after", run.bal("provider"),
              provider_before + g2 - f2)
    expect_eq("take fee to the vault", run.bal("staking_vault"), vault_before + f2)
    paid_primary += g2
    fees += f2
    lz = lease(lease_id)
    expect_eq("provider after rollover", lz["provider"], run.addr("backup"))
    expect_eq("price after rollover", dec(lz["price_per_block"]), p2)
    expect_eq("backups left", lz["backups"], [])
    expect_eq("rollovers", lz["rollovers"], 1)
    expect_eq("history", [(t["provider"], t["to_height"], t["reason"]) for t in lz["history"]],
              [(run.addr("provider"), h_roll, 10_100)])
    conserved(lz)
    ok(f"rollover at {h_roll}: primary paid {paid_primary} for {h_fail - h_start} blocks "
       f"(not the {h_roll - h_fail} after the failure); backup serves at {BACKUP_PRICE}")

    chain.wait_height(h_roll + 3)
    backup_before = run.bal("backup")
    res = run.execute("escrow: backup withdraws", E, {"withdraw": {"lease_id": lease_id}},
                      "backup")
    g3 = stream(p2, res.height - h_roll)
    f3, fee_carry = take_fee(g3, fee_carry)
    expect_eq("backup received net (less its fee)", run.bal("backup"),
              backup_before + g3 - f3 - res.fee)
    fees += f3

    chain.wait_height(res.height + 2)
    tenant_before, backup_before = run.bal("tenant"), run.bal("backup")
    res = run.execute("escrow: tenant closes the lease", E, {"close_lease": {
        "lease_id": lease_id, "reason": 1}}, "tenant")
    h_close = res.height
    g_backup = stream(p2, h_close - h_roll)
    g4 = g_backup - g3
    f4, fee_carry = take_fee(g4, fee_carry)
    fees += f4
    expect_eq("backup paid to the close", run.bal("backup"), backup_before + g4 - f4)
    deposited = LEASE_DEPOSIT + TOP_UP + moved
    left = deposited - paid_primary - g_backup
    # Refunds go newest deposit first: the keeper's top-up back into the prefunded balance,
    # the rest by bank to the tenant.
    to_balance = min(moved, left)
    expect_eq("tenant refunded by bank (less its fee)", run.bal("tenant"),
              tenant_before + (left - to_balance) - res.fee)
    bal = run.query(E, {"balance": {"owner": run.addr("tenant"), "denom": chain.denom}})
    expect_eq("tenant prefunded balance after the refund", int(bal["amount"]),
              PREFUND - moved - bounty + to_balance)
    lz = lease(lease_id)
    expect_eq("status", lz["status"], "closed")
    expect_eq("close_reason", lz["close_reason"], 1)
    expect_eq("total_refunded", int(lz["total_refunded"]), left)
    expect_eq("total_fees", int(lz["total_fees"]), fees)
    expect_eq("balance after close", int(lz["balance"]), 0)
    conserved(lz)
    ok(f"close at {h_close}: backup earned {g_backup} over {h_close - h_roll} blocks, "
       f"tenant refunded {left} ({to_balance} into its prefunded balance)")

    tenant_before = run.bal("tenant")
    amount = PREFUND - bounty
    res = run.execute("escrow: tenant withdraws its prefunded balance", E, {"withdraw_balance": {
        "denom": chain.denom, "amount": str(amount)}}, "tenant")
    expect_eq("tenant balance after withdraw_balance", run.bal("tenant"),
              tenant_before + amount - res.fee)
    # Every coin the escrow took in left it again: only other leases' funds remain.
    expect_eq("escrow holds nothing", run.bal(E), 0)
    run.a["escrow_fees"] = fees


BATCH = 5


def escrow_batches(run):
    """The batch forms on the node: a provider's withdrawals, a keeper's settlements (one bad
    item skipped, the others applied) and a tenant's deposits over BATCH leases, each checked
    against bank balances and the leases' own totals, with node gas for BENCHMARKS.md."""
    E = "rollover_escrow"
    chain = run.chain

    def lease(lease_id):
        return run.query(E, {"lease": {"lease_id": lease_id}})

    def summary(res, action):
        got = res.attrs(f".escrow.{action}_batch")
        check(len(got) == 1, f"{action}_batch: {len(got)} summary events")
        return got[0]

    ids = []
    for i in range(BATCH):
        res = run.execute(f"escrow batches: tenant opens lease {i + 1}/{BATCH}", E, {"open_lease": {
            "tenant": None, "provider": run.addr("provider"), "price_per_block": PRIMARY_PRICE,
            "denom": chain.denom, "backups": [], "spec_ref": None, "order_id": None}},
            "tenant", amount=LEASE_DEPOSIT)
        ids.append(int(res.attr(".open_lease", "lease_id")))
    for lease_id in ids:
        run.execute(f"escrow batches: provider accepts lease {lease_id}", E,
                    {"accept_lease": {"lease_id": lease_id}}, "provider")
    last = lease(ids[-1])
    chain.wait_height(last["provider_since"] + 3)

    before = {i: lease(i) for i in ids}
    provider_before, vault_before = run.bal("provider"), run.bal("staking_vault")
    res = run.execute(f"escrow batches: provider withdraws from {BATCH} leases in one call", E,
                      {"withdraw_batch": {"lease_ids": ids}}, "provider",
                      bench=f"withdraw_batch x{BATCH}",
                      note="one bank send per recipient, one incentives hook")
    s = summary(res, "withdraw")
    expect_eq("withdraw_batch applied", (s["applied"], s["skipped"]), (str(BATCH), "0"))
    after = {i: lease(i) for i in ids}
    paid = sum(int(after[i]["total_paid"]) - int(before[i]["total_paid"]) for i in ids)
    fees = sum(int(after[i]["total_fees"]) - int(before[i]["total_fees"]) for i in ids)
    check(all(int(after[i]["total_paid"]) > int(before[i]["total_paid"]) for i in ids),
          "every lease of the batch paid its provider")
    expect_eq("provider received every lease's net pay (less its one fee)", run.bal("provider"),
              provider_before + paid - res.fee)
    expect_eq("take fees to the vault", run.bal("staking_vault"), vault_before + fees)
    ok(f"withdraw_batch x{BATCH}: {paid} to the provider, {fees} in fees, gas {res.gas_used} "
       f"({res.gas_used // BATCH} per lease)")

    chain.wait_height(res.height + 2)
    unknown = max(ids) + 1_000
    res = run.execute(f"escrow batches: keeper settles {BATCH} leases and an unknown one", E,
                      {"settle_batch": {"lease_ids": ids + [unknown]}}, "keeper",
                      bench=f"settle_batch x{BATCH}",
                      note="plus one unknown lease, skipped")
    s = summary(res, "settle")
    expect_eq("settle_batch applied / skipped", (s["applied"], s["skipped"]), (str(BATCH), "1"))
    skipped = res.attrs(".escrow.batch_item_skipped")
    expect_eq("the skipped item is the unknown lease",
              [(x["lease_id"], x["action"]) for x in skipped], [(str(unknown), "settle")])
    for i in ids:
        lz = lease(i)
        check(lz["settled_height"] >= res.height,
              f"lease {i}: settled_height {lz['settled_height']} before {res.height}")
    ok(f"settle_batch: {BATCH} settled, lease {unknown} skipped ({skipped[0]['reason']}), "
       f"gas {res.gas_used}")

    amounts = [TOP_UP // (k + 2) for k in range(BATCH)]
    tenant_before, escrow_before = run.bal("tenant"), run.bal(E)
    before = {i: lease(i) for i in ids}
    res = run.execute(f"escrow batches: tenant deposits to {BATCH} leases in one call", E,
                      {"deposit_batch": {"deposits": [
                          {"lease_id": i, "amount": {"denom": chain.denom, "amount": str(a)}}
                          for i, a in zip(ids, amounts)]}}, "tenant", amount=sum(amounts),
                      bench=f"deposit_batch x{BATCH}")
    s = summary(res, "deposit")
    expect_eq("deposit_batch applied", (s["applied"], s["skipped"]), (str(BATCH), "0"))
    expect_eq("tenant paid exactly the listed amounts", run.bal("tenant"),
              tenant_before - sum(amounts) - res.fee)
    expect_eq("escrow holds them", run.bal(E), escrow_before + sum(amounts))
    for i, a in zip(ids, amounts):
        expect_eq(f"lease {i}: total_deposited", int(lease(i)["total_deposited"]),
                  int(before[i]["total_deposited"]) + a)
    ok(f"deposit_batch x{BATCH}: {sum(amounts)} over {BATCH} leases, gas {res.gas_used}")


# ---- order-book ---------------------------------------------------------------------------

GIB = 1 << 30
RESOURCES = {"cpu_millis": 4_000, "memory_bytes": 8 * GIB, "storage_bytes": 64 * GIB,
             "gpu": {"units": 1, "vendor": "nvidia", "model": "a100"}}
MAX_PRICE = "3000000000000000"
ORDER_DEPOSIT = 50 * INJ
OFFERS = {"provider": "2500000000000000", "backup": "2800000000000000"}


def order_spec(run):
    return {"resources": {**RESOURCES, "gpu": {"units": 1, "vendor": "nvidia", "model": "a1*"}},
            "region": "us-*", "attributes": [],
            "signed_by": {"any_of": [run.addr("auditor")], "all_of": []}}


def order_book(run):
    B, E = "order_book", "rollover_escrow"
    chain = run.chain
    tenant = run.addr("tenant")
    required = -(-14_400 * dec(MAX_PRICE) // ATOMICS)
    check(ORDER_DEPOSIT >= required, "deposit below the runway the book requires")

    tenant_before = run.bal("tenant")
    res = run.execute("book: tenant places a standing GPU order", B, {"place_order": {
        "spec": order_spec(run), "max_price_per_block": MAX_PRICE, "denom": chain.denom,
        "expires_at": None, "replicas": 1}}, "tenant", amount=ORDER_DEPOSIT, bench="place_order")
    order_id = int(res.attr(".place_order", "order_id"))
    expect_eq("tenant paid the deposit", run.bal("tenant"),
              tenant_before - ORDER_DEPOSIT - res.fee)
    expect_eq("book holds the deposit", run.bal(B), ORDER_DEPOSIT)
    run.execute("book: keeper matches an empty book", B, {"match_orders": {"limit": None}},
                "keeper")
    expect_eq("order waits", run.query(B, {"order": {"order_id": order_id}})["status"], "open")

    for who, price in OFFERS.items():
        run.execute(f"book: {who} posts an offer", B, {"post_offer": {
            "spec_capacity": {"resources": RESOURCES, "region": "us-west",
                              "attributes": [{"key": "tier", "value": "datacenter"}]},
            "price_per_block": price, "denom": chain.denom, "units": 2, "expires_at": None}},
            who, bench="post_offer" if who == "provider" else None)

    keeper_before, escrow_before = run.bal("keeper"), run.bal(E)
    res = run.execute("book: keeper matches the order", B, {"match_orders": {"limit": None}},
                      "keeper", bench="match_orders",
                      note="the escrow's open_lease submessage and the bounty send included")
    h_open = res.height
    bounty = ORDER_DEPOSIT * 10 // 10_000
    expect_eq("keeper bounty (less its fee)", run.bal("keeper"), keeper_before + bounty - res.fee)
    order = run.query(B, {"order": {"order_id": order_id}})
    expect_eq("order status", order["status"], "filled")
    expect_eq("order deposit left", int(order["deposit"]), 0)
    expect_eq("book holds nothing", run.bal(B), 0)
    leases = run.query(E, {"leases_by_tenant": {"tenant": tenant, "start_after": None,
                                                "limit": None}})["leases"]
    lz = [x for x in leases if x["order_id"] == order_id]
    check(len(lz) == 1, f"expected one lease for order {order_id}, got {len(lz)}")
    lz = lz[0]
    expect_eq("lease provider (cheapest offer)", lz["provider"], run.addr("provider"))
    expect_eq("lease price (the offer's)", dec(lz["price_per_block"]), dec(OFFERS["provider"]))
    expect_eq("lease backups", [(b["provider"], dec(b["price_per_block"])) for b in lz["backups"]],
              [(run.addr("backup"), dec(OFFERS["backup"]))])
    expect_eq("lease deposit", int(lz["total_deposited"]), ORDER_DEPOSIT - bounty)
    expect_eq("lease status (streams at once)", lz["status"], "active")
    expect_eq("lease opened at the match", lz["opened_at"], h_open)
    expect_eq("escrow received the lease deposit", run.bal(E),
              escrow_before + ORDER_DEPOSIT - bounty)
    lease_id = lz["id"]
    ok(f"order {order_id} filled: lease {lease_id} with provider at {OFFERS['provider']}, "
       f"backup at {OFFERS['backup']}, keeper bounty {bounty}")

    chain.wait_height(h_open + 3)
    provider_before = run.bal("provider")
    res = run.execute("book: the matched provider withdraws from the escrow", E,
                      {"withdraw": {"lease_id": lease_id}}, "provider")
    g = stream(dec(OFFERS["provider"]), res.height - h_open)
    expect_eq("provider received net (less its fee)", run.bal("provider"),
              provider_before + g - take_fee(g)[0] - res.fee)
    ok(f"lease streamed {g} over {res.height - h_open} blocks")

    # A second order crossing the provider's remaining unit, withdrawn before any match.
    tenant_before = run.bal("tenant")
    res = run.execute("book: tenant places a crossing order", B, {"place_order": {
        "spec": order_spec(run), "max_price_per_block": MAX_PRICE, "denom": chain.denom,
        "expires_at": None, "replicas": 1}}, "tenant", amount=ORDER_DEPOSIT,
        bench="place_order (crossing)")
    second = int(res.attr(".place_order", "order_id"))
    fees = res.fee
    depth = run.query(B, {"depth": {"resource_class": order["resource_class"],
                                    "denom": chain.denom, "limit": None}})
    check(depth["bids"] and depth["asks"]
          and dec(depth["bids"][0]["price_per_block"]) >= dec(depth["asks"][0]["price_per_block"]),
          f"the second order does not cross: {depth}")
    res = run.execute("book: tenant cancels it", B, {"cancel_order": {"order_id": second}},
                      "tenant", bench="cancel_order")
    fees += res.fee
    expect_eq("cancelled", run.query(B, {"order": {"order_id": second}})["status"], "cancelled")
    expect_eq("tenant refunded in full (less fees)", run.bal("tenant"), tenant_before - fees)
    expect_eq("book holds nothing", run.bal(B), 0)


# ---- report -------------------------------------------------------------------------------


def print_table(records, overhead):
    head = f"{'step':<58} {'contract':<20} {'message':<18} {'gas_wanted':>11} {'gas_used':>11} " \
           f"{'-overhead':>10} {'bytes':>6}"
    print("\n" + head)
    print("-" * len(head))
    for r in records:
        flag = "" if r["code"] == 0 else f"  (failed, code {r['code']})"
        rest = r.get("gas_without_tx_overhead")
        rest = f"{rest:>10,}" if rest is not None else f"{'':>10}"
        print(f"{r['step'][:58]:<58} {r['contract']:<20} {r['message'][:18]:<18} "
              f"{r['gas_wanted']:>11,} {r['gas_used']:>11,} {rest} {r['tx_bytes'] or 0:>6}{flag}")
    total = sum(r["gas_used"] for r in records)
    print(f"{len(records)} transactions, {total:,} gas used in total")
    if overhead:
        print(f"-overhead: gas_used less the {overhead['gas']:,} gas every transaction pays "
              f"besides its message ({overhead['how']})")


def artifact_checksums():
    out = {}
    for name in ARTIFACT_ORDER:
        path = os.path.join(ARTIFACTS, f"{name}.wasm")
        if os.path.exists(path):
            with open(path, "rb") as f:
                out[f"{name}.wasm"] = hashlib.sha256(f.read()).hexdigest()
    return out


class Interrupted(BaseException):
    """SIGTERM, raised past every flow's `except Exception`."""


def on_term(signum, _frame):
    raise Interrupted(signal.Signals(signum).name)


def main():
    # e2e.sh's timeout sends SIGTERM: end like Ctrl-C, writing what was measured.
    signal.signal(signal.SIGTERM, on_term)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=os.path.join(ROOT, "target", "e2e", "gas.json"))
    args = parser.parse_args()

    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    chain = Chain()
    run = Run(chain)
    started = time.monotonic()
    height, _ = chain.status()
    print(f"chain {chain.chain_id} at {chain.node}, height {height}")
    interrupted = None
    try:
        run.flow("accounts: first transactions", lambda: warm_up(run))
        run.flow("reference: the transaction overhead",
                 lambda: tx_overhead(run, os.path.dirname(args.out)))
        if run.flow("deploy: store and instantiate the suite, wired", lambda: deploy(run)):
            incentives_ok = run.flow("provider-incentives: epoch 0 funded and reported",
                                     lambda: incentives_open(run))
            run.flow("spice-token: mint, transfer, send, burn", lambda: spice_token(run))
            run.flow("staking-vault: native strategy, deposit, stake, harvest real rewards",
                     lambda: staking_vault(run))
            if incentives_ok:
                run.flow("provider-incentives: finalize and claim",
                         lambda: incentives_settle(run))
            run.flow("rollover-escrow: lease, stream, withdraw, top-up, failure, rollover, close",
                     lambda: escrow(run))
            run.flow(f"rollover-escrow: batches of {BATCH} (withdraw, settle with a bad item, "
                     "deposit)", lambda: escrow_batches(run))
            if incentives_ok:
                run.flow("order-book: standing order, offers, match into an escrow lease",
                         lambda: order_book(run))
    except (KeyboardInterrupt, Interrupted) as e:
        interrupted = type(e).__name__ if isinstance(e, KeyboardInterrupt) else str(e)
    finally:
        if run.overhead:
            for r in run.records:
                if r["contract"] != "bank":
                    r["gas_without_tx_overhead"] = r["gas_used"] - run.overhead["gas"]
        with open(args.out, "w") as f:
            json.dump({
                "chain": {"id": chain.chain_id, "node": "injectived (injective-core 1.20.1)",
                          "gas_price": f"{GAS_PRICE}{chain.denom}"},
                # sha256 of the artifacts measured: scripts/bench.sh uses this file only for
                # the artifacts it measures itself.
                "artifacts": artifact_checksums(),
                "tx_overhead": run.overhead,
                "contracts": run.contracts,
                "code_ids": run.code_ids,
                "flows": [{"flow": n, "ok": o, "error": e, "seconds": round(s, 1)}
                          for n, o, e, s in run.results],
                "transactions": run.records,
            }, f, indent=1)
            f.write("\n")

    print_table(run.records, run.overhead)
    if interrupted:
        print(f"\ninterrupted ({interrupted}) after {time.monotonic() - started:.0f}s; "
              f"partial gas in {os.path.relpath(args.out, ROOT)}")
        return 130
    print("\nCovered by the emulation only (no Osmosis module on this chain):")
    for line in OSMOSIS_ONLY:
        print(f"  - {line}")
    print(f"\ngas: {os.path.relpath(args.out, ROOT)}")
    print("\nflows:")
    failed = 0
    for name, passed, error, seconds in run.results:
        print(f"  {'PASS' if passed else 'FAIL'}  {name} ({seconds:.1f}s){'' if passed else ': ' + error}")
        failed += not passed
    expected = 10
    if len(run.results) < expected and not failed:
        failed = 1
    print(f"\n{len(run.results) - failed}/{expected} flows passed in "
          f"{time.monotonic() - started:.0f}s")
    return 1 if failed or len(run.results) < expected else 0


if __name__ == "__main__":
    sys.exit(main())
