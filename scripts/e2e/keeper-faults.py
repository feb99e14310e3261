#!/usr/bin/env python3
"""`spice keeper run` against a failing local node, every case bounded in time.

    scripts/e2e/keeper-faults.py --spice target/debug/spice

Run by scripts/e2e.sh last (it stops, freezes and restarts the node), after scripts/e2e/keeper.py
deployed the keeper's suite (target/e2e/keeper/) and funded its account. Each case seeds fresh
work (an order that expires, a lease below its runway with an auto top-up) so the keeper has
transactions to send when the fault strikes, then:

(a) node stopped mid-round: the node gets SIGTERM while the keeper runs (once its first actions
    are logged), and is started again afterwards;
(b) a TCP proxy between keeper and node (asyncio, in this script: Debian has no toxiproxy
    package, PyPI only clients for its Go server) delays every chunk up to 150 ms and cuts every
    connection after 1-5 s, so calls fail mid-flight and the client reconnects;
(c) node frozen: SIGSTOP while the keeper runs (blocks stop, calls go unanswered), SIGCONT after.

Checks, each case: the keeper process ends within its bound (its --round-timeout-seconds, plus
one confirmation and one call in flight, plus the bounded start-up: connecting and reading the
suite), measured with the wall clock; (a) and (c) exit non-zero with an `error` decision or an
`unknown`/`failed` transaction in the log (an honest outcome, no claim of success); then a
round against the healthy node exits 0 and finishes the work; and nothing was sent twice: the
keeper account's sequence moved by exactly the transactions the logs report as landed (ok, or
unknown and found on chain by hash), and no (action, target) landed twice.

Exit 0 when every check passed, 1 otherwise. Numbers go to target/e2e/keeper-faults.json.
"""

import argparse
import asyncio
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time

# The sibling scripts are imported as modules; no __pycache__ left in the tree.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e  # noqa: E402
import keeper  # noqa: E402
from e2e import INJ, ROOT, StepFailed, check, expect_eq  # noqa: E402

# The keeper's bounds in these cases (seconds).
ROUND = 15
CALL = 3
CONFIRM = 8
RETRIES = 2
BACKOFF_MS = 500
# Start-up: connecting (3 calls' worth, network.rs `connect_keeper`), then reading the suite's
# configs with retries (each call bounded, backoff 0.5 s then 1 s).
STARTUP = 3 * CALL + (RETRIES + 1) * CALL + 1.5
# Process start, key derivation, writing the log: measured well under this.
SLACK = 5
BOUND = STARTUP + ROUND + CONFIRM + CALL + SLACK

KEEPER_FLAGS = ["--round-timeout-seconds", str(ROUND), "--call-timeout-seconds", str(CALL),
                "--confirm-timeout-seconds", str(CONFIRM), "--max-retries", str(RETRIES),
                "--retry-backoff-ms", str(BACKOFF_MS), "--max-block-age-seconds", "20"]


class Node:
    """The localnet's node process, by the pid scripts/localnet.sh recorded."""

    def __init__(self):
        self.pid_file = os.environ["LOCALNET_PID_FILE"]

    def pid(self):
        with open(self.pid_file) as f:
            pid = int(f.read().strip())
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            check(b"injectived" in f.read(), f"pid {pid} is not the localnet's injectived")
        return pid

    def signal(self, sig):
        os.kill(self.pid(), sig)

    def stop(self):
        pid = self.pid()
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if not os.path.exists(f"/proc/{pid}") or open(f"/proc/{pid}/stat").read().split()[2] == "Z":
                return
            time.sleep(0.2)
        os.kill(pid, signal.SIGKILL)

    def start(self):
        started = time.monotonic()
        p = subprocess.run([os.path.join(ROOT, "scripts", "localnet.sh"), "start"],
                           capture_output=True, text=True, timeout=120)
        check(p.returncode == 0, f"localnet.sh start: {p.stderr.strip()[-800:]}")
        return time.monotonic() - started


class Proxy:
    """A TCP proxy that delays every chunk and cuts some connections, on its own thread."""

    def __init__(self, upstream_port, max_delay=0.15, lifetime=(1.0, 5.0), seed=24):
        self.upstream_port = upstream_port
        self.max_delay = max_delay
        self.lifetime = lifetime
        self.random = random.Random(seed)
        self.connections = 0
        self.dropped = 0
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        sock.close()
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        check(self.ready.wait(10), "the proxy did not start")

    def _run(self):
        asyncio.set_event_loop(self.loop)
        self.server = self.loop.run_until_complete(
            asyncio.start_server(self._handle, "127.0.0.1", self.port))
        self.ready.set()
        self.loop.run_forever()

    async def _pipe(self, reader, writer):
        try:
            while data := await reader.read(65536):
                await asyncio.sleep(self.random.uniform(0, self.max_delay))
                writer.write(data)
                await writer.drain()
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            writer.close()

    async def _handle(self, client_reader, client_writer):
        self.connections += 1
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.upstream_port)
        except OSError:
            client_writer.close()
            return
        tasks = [asyncio.ensure_future(self._pipe(client_reader, up_writer)),
                 asyncio.ensure_future(self._pipe(up_reader, client_writer))]
        # Every connection is cut after a short life, mid-call or not: the keeper's client must
        # reconnect, and a call in flight fails.
        done, _ = await asyncio.wait(tasks, timeout=self.random.uniform(*self.lifetime))
        if not done:
            self.dropped += 1
        for t in tasks:
            t.cancel()
        client_writer.close()
        up_writer.close()
        await asyncio.gather(*tasks, return_exceptions=True)

    def close(self):
        self.loop.call_soon_threadsafe(self.server.close)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


class KeeperProcess:
    """`spice keeper run --once` in the background, its log lines timed as they arrive."""

    def __init__(self, suite, *extra, config=None):
        self.started = time.monotonic()
        self.proc = subprocess.Popen(
            [suite.spice_bin, *suite.keeper_args(*KEEPER_FLAGS, *extra, config=config)],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=suite.env)
        self.lines = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stderr:
            self.lines.append((time.monotonic() - self.started, line.rstrip("\n")))

    def wait_for_line(self, needle, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(needle in text for _, text in self.lines):
                return True
            if self.proc.poll() is not None:
                return False
            time.sleep(0.05)
        return False

    def wait(self, timeout):
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise StepFailed(f"the keeper was still running after {timeout:.0f} s (bound "
                             f"{BOUND:.0f} s): killed")
        self.reader.join(5)
        self.seconds = time.monotonic() - self.started
        self.rc = rc
        self.decisions, self.other = keeper.parse_log("\n".join(t for _, t in self.lines))
        return rc


def seed_work(suite, label):
    """An order that expires in a few blocks and a lease below its runway with an auto top-up."""
    chain = suite.chain
    E, B = "rollover_escrow", "order_book"
    suite.execute(E, {"fund_balance": {}}, "tenant", amount=4 * INJ)
    res = suite.execute(E, {"open_lease": {
        "tenant": None, "provider": chain.address("provider"), "price_per_block": keeper.PRICE,
        "denom": chain.denom, "backups": [], "spec_ref": f"keeper-faults-{label}",
        "order_id": None}}, "tenant", amount=keeper.LOW_DEPOSIT)
    lease = int(res.attr(".open_lease", "lease_id"))
    suite.execute(E, {"accept_lease": {"lease_id": lease}}, "provider")
    suite.execute(E, {"set_auto_top_up": {"lease_id": lease,
                                          "target_runway_blocks": keeper.TARGET_RUNWAY,
                                          "source": "balance"}}, "tenant")
    spec = {"resources": keeper.RESOURCES, "region": "us-west", "attributes": [],
            "signed_by": {"any_of": [], "all_of": []}}
    expires = chain.height() + 4
    res = suite.execute(B, {"place_order": {
        "spec": spec, "max_price_per_block": keeper.LOW_MAX, "denom": chain.denom,
        "expires_at": expires, "replicas": 1}}, "tenant", amount=keeper.LOW_DEPOSIT_ORDER)
    order = int(res.attr(".place_order", "order_id"))
    # The provider's heartbeat keeps every earlier lease healthy (no rollover work).
    suite.execute(E, {"heartbeat": {}}, "provider")
    chain.wait_height(expires + 1)
    return {"lease": lease, "order": order}


def landed(suite, runs):
    """(landed transactions as (action, target, hash), unknowns without a hash) of `runs`."""
    out, unhashed = [], 0
    for run in runs:
        for d in keeper.sent(run.decisions):
            tx = d["tx"]
            if tx["result"] == "ok":
                out.append((d["action"], d.get("target"), tx.get("hash")))
            elif tx["result"] in ("unknown", "failed"):
                if not tx.get("hash"):
                    unhashed += tx["result"] == "unknown"
                    continue
                try:
                    keeper.tx_lookup(suite.chain, tx["hash"])
                except StepFailed:
                    continue  # never in a block
                out.append((d["action"], d.get("target"), tx["hash"]))
            elif tx["result"] == "refused" and tx.get("hash"):
                out.append((d["action"], d.get("target"), tx["hash"]))  # failed in a block
    return out, unhashed


def check_no_double_send(suite, runs, seq0, what):
    seq1 = suite.sequence()
    txs, unhashed = landed(suite, runs)
    keys = [(a, t) for a, t, _ in txs]
    # A harvest withdraws the rewards accrued since the last one: two harvests are two pieces
    # of work (the chain pays rewards every block), never the same rewards twice.
    once = [k for k in keys if k[0] != "harvest"]
    check(len(once) == len(set(once)), f"{what}: an (action, target) landed twice: {keys}")
    if unhashed:
        check(len(txs) <= seq1 - seq0 <= len(txs) + unhashed,
              f"{what}: sequence moved {seq1 - seq0}, the logs report {len(txs)} landed and "
              f"{unhashed} unknown")
    else:
        expect_eq(f"{what}: sequence delta == transactions the logs report landed",
                  seq1 - seq0, len(txs))
    return seq1 - seq0, keys


def check_bounded(run, what):
    check(run.seconds <= BOUND, f"{what}: the keeper took {run.seconds:.1f} s, over its bound "
          f"{BOUND:.0f} s")


def check_honest_failure(run, what):
    check(run.rc != 0, f"{what}: the keeper exited 0 though the node failed mid-round")
    failed = [d for d in run.decisions if d["decision"] == "error"
              or (d.get("tx") or {}).get("result") in ("unknown", "failed")]
    check(failed or any("error" in t.lower() for t in run.other),
          f"{what}: no error decision nor unknown/failed transaction in the log")
    return len(failed)


def check_recovered(suite, run, work, what):
    expect_eq(f"{what}: exit status of the round after recovery", run.rc, 0)
    order = suite.query("order_book", {"order": {"order_id": work["order"]}})
    expect_eq(f"{what}: order {work['order']}", order["status"], "expired")
    lease = suite.query("rollover_escrow", {"lease": {"lease_id": work["lease"]}})
    check(int(lease["total_deposited"]) > keeper.LOW_DEPOSIT,
          f"{what}: lease {work['lease']} was not topped up")


def show(run, label):
    print(f"   {label}: exit {run.rc} after {run.seconds:.1f}s", flush=True)
    for d in run.decisions:
        tx = d.get("tx")
        t = f" tx={tx['result']}" + (f" hash={tx['hash'][:12]}" if tx and tx.get("hash") else "") \
            if tx else ""
        print(f"     {d['action']:<15} {d.get('target') or '':<9} {d['decision']:<8} "
              f"{d['reason'][:110]}{t}", flush=True)


def case_stopped(suite, node):
    work = seed_work(suite, "stopped")
    seq0 = suite.sequence()
    run = KeeperProcess(suite)
    # Mid-round: once the vault's actions are logged, the book's and escrow's are next.
    check(run.wait_for_line('"action":"stake"', 60), "the keeper never reached its stake action")
    t_stop = time.monotonic()
    node.stop()
    run.wait(BOUND + 30)
    show(run, "node stopped mid-round")
    check_bounded(run, "stopped node")
    failures = check_honest_failure(run, "stopped node")
    restart = node.start()
    suite.chain.wait_height(suite.chain.height() + 1)
    again = KeeperProcess(suite)
    again.wait(BOUND + 30)
    show(again, "after the restart")
    check_recovered(suite, again, work, "stopped node")
    delta, keys = check_no_double_send(suite, [run, again], seq0, "stopped node")
    return {"keeper_seconds": round(run.seconds, 1), "exit": run.rc,
            "failed_decisions": failures, "node_down_seconds": round(time.monotonic() - t_stop, 1),
            "restart_seconds": round(restart, 1), "recovery_round_seconds": round(again.seconds, 1),
            "landed": delta, "landed_actions": keys}


def case_proxy(suite):
    work = seed_work(suite, "proxy")
    grpc_port = int(suite.grpc.rsplit(":", 1)[1])
    proxy = Proxy(grpc_port)
    config = os.path.join(suite.workdir, "deploy-proxy.toml")
    with open(suite.config) as f:
        text = f.read()
    with open(config, "w") as f:
        f.write(text.replace(f'grpc_url = "{suite.grpc}"',
                             f'grpc_url = "http://127.0.0.1:{proxy.port}"'))
    seq0 = suite.sequence()
    try:
        run = KeeperProcess(suite, config=config)
        run.wait(BOUND + 30)
    finally:
        proxy.close()
    show(run, f"through the proxy ({proxy.connections} connections, {proxy.dropped} cut)")
    check_bounded(run, "proxy")
    again = KeeperProcess(suite)
    again.wait(BOUND + 30)
    show(again, "direct, after the proxy")
    check_recovered(suite, again, work, "proxy")
    delta, keys = check_no_double_send(suite, [run, again], seq0, "proxy")
    return {"keeper_seconds": round(run.seconds, 1), "exit": run.rc,
            "connections": proxy.connections, "cut": proxy.dropped,
            "sent_through_proxy": len(keeper.sent(run.decisions)),
            "recovery_round_seconds": round(again.seconds, 1), "landed": delta,
            "landed_actions": keys}


def case_frozen(suite, node):
    work = seed_work(suite, "frozen")
    seq0 = suite.sequence()
    run = KeeperProcess(suite)
    check(run.wait_for_line('"action":"harvest"', 60), "the keeper never logged its first action")
    node.signal(signal.SIGSTOP)
    t_stop = time.monotonic()
    try:
        run.wait(BOUND + 30)
    finally:
        node.signal(signal.SIGCONT)
    frozen = time.monotonic() - t_stop
    show(run, "node frozen (SIGSTOP)")
    check_bounded(run, "frozen node")
    failures = check_honest_failure(run, "frozen node")
    resumed = time.monotonic()
    suite.chain.wait_height(suite.chain.height() + 1, timeout=60)
    blocks_again = time.monotonic() - resumed
    again = KeeperProcess(suite)
    again.wait(BOUND + 30)
    show(again, "after SIGCONT")
    check_recovered(suite, again, work, "frozen node")
    delta, keys = check_no_double_send(suite, [run, again], seq0, "frozen node")
    return {"keeper_seconds": round(run.seconds, 1), "exit": run.rc,
            "failed_decisions": failures, "frozen_seconds": round(frozen, 1),
            "first_block_after_resume_seconds": round(blocks_again, 1),
            "recovery_round_seconds": round(again.seconds, 1), "landed": delta,
            "landed_actions": keys}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--spice", default=os.path.join(ROOT, "target", "debug", "spice"))
    parser.add_argument("--out", default=os.path.join(ROOT, "target", "e2e", "keeper-faults.json"))
    parser.add_argument("--only", choices=["stopped", "proxy", "frozen"])
    args = parser.parse_args()

    chain = e2e.Chain()
    suite = keeper.Suite(chain, args.spice, os.path.join(ROOT, "target", "e2e", "keeper"))
    check(os.path.exists(suite.state), "no keeper suite: run scripts/e2e/keeper.py first")
    with open(suite.state) as f:
        suite.contracts = {n: c["address"] for n, c in json.load(f)["contracts"].items()}
    node = Node()
    started = time.monotonic()
    summary = {"bound_seconds": BOUND, "round_timeout": ROUND, "call_timeout": CALL,
               "confirm_timeout": CONFIRM}
    failed = []
    cases = [("stopped", lambda: case_stopped(suite, node)), ("proxy", lambda: case_proxy(suite)),
             ("frozen", lambda: case_frozen(suite, node))]
    for name, fn in cases:
        if args.only and name != args.only:
            continue
        t = time.monotonic()
        print(f"\n== keeper fault: {name} (bound {BOUND:.0f}s a keeper run)", flush=True)
        try:
            summary[name] = fn()
            summary[name]["case_seconds"] = round(time.monotonic() - t, 1)
            print(f"   ok ({time.monotonic() - t:.1f}s)", flush=True)
        except (StepFailed, subprocess.TimeoutExpired, OSError) as e:
            summary[name] = {"error": str(e)}
            failed.append(name)
            print(f"   FAILED: {e}", flush=True)
            # Whatever happened, leave a running node behind.
            try:
                node.signal(signal.SIGCONT)
            except (OSError, StepFailed, ValueError):
                pass
            try:
                status = subprocess.run([os.path.join(ROOT, "scripts", "localnet.sh"), "status"],
                                        capture_output=True, text=True)
                if "not running" in status.stdout + status.stderr:
                    node.start()
            except (StepFailed, subprocess.TimeoutExpired):
                pass
    summary["seconds"] = round(time.monotonic() - started, 1)
    with open(args.out, "w") as f:
        json.dump(summary, f, indent=1)
        f.write("\n")
    print(f"\nkeeper fault tests {'FAILED: ' + ', '.join(failed) if failed else 'passed'} in "
          f"{summary['seconds']:.0f}s ({os.path.relpath(args.out, ROOT)})", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
