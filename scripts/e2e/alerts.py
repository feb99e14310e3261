#!/usr/bin/env python3
"""`spice alerts` end to end on the local chain, with a real SMTP server and a webhook receiver.

    scripts/e2e/alerts.py --state target/e2e/spice-state-local.json [--spice target/debug/spice]

Run by scripts/e2e.sh after `spice deploy` put the suite on the localnet (it reads the node's
variables from `scripts/localnet.sh env`, like e2e.py). Steps:

1. A tenant opens a lease on the escrow (about 60 blocks of runway) and the provider accepts it.
2. An alert with a name and notes: `runway-blocks<50` on the lease, to an email address and a
   webhook. The SMTP server is aiosmtpd on 127.0.0.1 (installed from PyPI into target/e2e/pip
   on first use), the webhook receiver python's http.server, checking `X-Spice-Signature`.
3. `spice alerts run` watches; when the runway crosses 50 exactly one email arrives, with the
   name in the subject and the notes in the body, and one signed webhook; `history` shows the
   event delivered on both channels. The delay from the crossing block's time to the email is
   measured.
4. The alert is disabled; a deposit re-arms and the runway crosses again: no email, while an
   enabled control alert on the same lease does fire on that crossing.
5. The SMTP server is stopped and the alert enabled again (its fresh look is a crossing): the
   email is retried while the server is down and delivered exactly once when it is back.
6. A watcher stopped by a fault hook right after it wrote the outbox, before sending: the
   restarted watcher sends the email once, and a further round sends nothing.

Exit status 0 when every check passed, 1 otherwise. Everything listens on 127.0.0.1.
"""

import argparse
import email
import email.policy
import hashlib
import hmac
import importlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from e2e import ROOT, Chain, StepFailed, check, expect_eq, parse_time  # noqa: E402

PIP_DIR = os.path.join(ROOT, "target", "e2e", "pip")
AIOSMTPD = "aiosmtpd==1.4.6"
PRICE = 10**15  # 0.001 INJ per block
RUNWAY = 60  # blocks the first deposit pays for
THRESHOLD = 50
NAME = "GPU lease running dry"
NOTES = "Top it up from the ops wallet; call Bob if the provider is down."
SECRET = "e2e-webhook-secret"


def log(text):
    print(f"  {text}", flush=True)


def load_aiosmtpd():
    try:
        import aiosmtpd  # noqa: F401
    except ImportError:
        sys.path.insert(0, PIP_DIR)
        try:
            import aiosmtpd  # noqa: F401
        except ImportError:
            log(f"installing {AIOSMTPD} into {os.path.relpath(PIP_DIR, ROOT)}")
            subprocess.run([sys.executable, "-m", "pip", "install", "--quiet",
                            "--disable-pip-version-check", "--target", PIP_DIR, AIOSMTPD],
                           check=True, env=dict(os.environ, PIP_ROOT_USER_ACTION="ignore"))
            importlib.invalidate_caches()  # the directory did not exist when first looked at
            import aiosmtpd  # noqa: F401
    from aiosmtpd.controller import Controller
    return Controller


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Mailbox:
    """aiosmtpd handler: every message with the time it arrived."""

    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append({
                "at": time.time(),
                "to": list(envelope.rcpt_tos),
                "subject": str(msg["subject"]),
                "body": msg.get_content() if not msg.is_multipart() else str(msg),
                "message_id": str(msg["message-id"]),
            })
        return "250 Message accepted for delivery"

    def count(self):
        with self.lock:
            return len(self.messages)


class Hooks:
    def __init__(self):
        self.posts = []
        self.lock = threading.Lock()

    def handler(self):
        hooks = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["content-length"]))
                want = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
                valid = hmac.compare_digest(want, self.headers.get("x-spice-signature", ""))
                with hooks.lock:
                    hooks.posts.append({"valid": valid, "json": json.loads(body),
                                        "delivery": self.headers.get("x-spice-delivery")})
                self.send_response(200 if valid else 401)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        return Handler

    def of(self, name):
        with self.lock:
            return [p for p in self.posts if p["json"]["alert"]["name"] == name]


def wait_for(what, cond, timeout):
    deadline = time.monotonic() + timeout
    while not cond():
        check(time.monotonic() < deadline, f"{what}: not within {timeout}s")
        time.sleep(0.2)


def block_time(chain, height):
    block = chain.q("block", "--type=height", str(height))
    header = block.get("header") or block.get("block", {}).get("header")
    return parse_time(header["time"])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--state", required=True, help="spice deploy's state file")
    parser.add_argument("--spice", default=os.path.join(ROOT, "target", "debug", "spice"))
    args = parser.parse_args()
    started = time.monotonic()
    chain = Chain()
    grpc = os.environ.get("LOCALNET_GRPC", "http://127.0.0.1:9391")
    state = json.load(open(args.state))
    escrow = state["contracts"]["rollover_escrow"]["address"]
    workdir = os.path.join(ROOT, "target", "e2e", "alerts")
    os.makedirs(workdir, exist_ok=True)
    db = os.path.join(workdir, "alerts.sqlite")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db + suffix):
            os.remove(db + suffix)

    Controller = load_aiosmtpd()
    mailbox, hooks = Mailbox(), Hooks()
    smtp_port = free_port()
    smtp = Controller(mailbox, hostname="127.0.0.1", port=smtp_port)
    smtp.start()
    web = ThreadingHTTPServer(("127.0.0.1", 0), hooks.handler())
    threading.Thread(target=web.serve_forever, daemon=True).start()
    hook_url = f"http://127.0.0.1:{web.server_address[1]}/hook"
    log(f"SMTP on 127.0.0.1:{smtp_port}, webhook receiver on {hook_url}")

    def spice(*a):
        p = subprocess.run([args.spice, "alerts", "--db", db, *a], capture_output=True,
                           text=True, timeout=60, cwd=workdir)
        if p.returncode != 0:
            raise StepFailed(f"spice alerts {' '.join(a)}: {p.stderr.strip() or p.stdout.strip()}")
        return p.stdout

    def execute(msg, sender, amount=None):
        res = chain.tx(["wasm", "execute", escrow, json.dumps(msg)], sender, amount=amount)
        check(res.code == 0, f"{next(iter(msg))} failed: {res.raw_log}")
        return res

    watcher = None
    try:
        # 1. A lease with RUNWAY blocks of funds.
        res = execute({"open_lease": {
            "tenant": None, "provider": chain.address("provider"), "price_per_block": str(PRICE),
            "denom": chain.denom, "backups": [], "spec_ref": "alerts-e2e", "order_id": None}},
            "tenant", amount=PRICE * RUNWAY)
        lease_id = int(res.attr(".open_lease", "lease_id"))
        execute({"accept_lease": {"lease_id": lease_id}}, "provider")
        lease = chain.smart(escrow, {"lease": {"lease_id": lease_id}})
        depletion = int(lease["depletion_height"])
        log(f"lease {lease_id}: runway {lease['runway_blocks']} blocks, dry at {depletion}")

        # 2. The alert, and a watcher.
        out = spice("add", "--lease", str(lease_id), "--when", f"runway-blocks<{THRESHOLD}",
                    "--name", NAME, "--notes", NOTES,
                    "--channel", "email:ops@spice.test", "--channel", f"webhook:{hook_url}")
        check("alert 1 added" in out, out)
        env = dict(os.environ, SPICE_SMTP_HOST="127.0.0.1", SPICE_SMTP_PORT=str(smtp_port),
                   SPICE_SMTP_TLS="none", SPICE_SMTP_FROM="alerts@spice.test",
                   SPICE_WEBHOOK_SECRET=SECRET)
        watcher_log = open(os.path.join(workdir, "watcher.log"), "w")
        watcher = subprocess.Popen(
            [args.spice, "alerts", "--db", db, "run", "--network", "local",
             "--state-file", os.path.abspath(args.state), "--grpc-url", grpc,
             "--interval-seconds", "1", "--block-seconds", "1", "--retry-base-ms", "500",
             "--max-attempts", "30"],
            env=env, stdout=watcher_log, stderr=subprocess.STDOUT, cwd=workdir)

        # 3. The crossing: the first block whose runway is below the threshold.
        crossing = depletion - THRESHOLD + 1
        wait_for("the alert's email", lambda: mailbox.count() >= 1, RUNWAY + 30)
        mail = mailbox.messages[0]
        latency = mail["at"] - block_time(chain, crossing)
        wait_for("the webhook", lambda: len(hooks.of(NAME)) >= 1, 10)
        time.sleep(3)  # a second email or post would arrive by now
        expect_eq("emails", mailbox.count(), 1)
        check(NAME in mail["subject"], f"name not in subject: {mail['subject']!r}")
        check(NOTES in mail["body"], f"notes not in body: {mail['body']!r}")
        expect_eq("recipient", mail["to"], ["ops@spice.test"])
        posts = hooks.of(NAME)
        expect_eq("webhook posts", len(posts), 1)
        check(posts[0]["valid"], "the webhook signature did not verify")
        expect_eq("webhook lease", posts[0]["json"]["subject"], str(lease_id))
        history = json.loads(spice("history", "--json"))
        expect_eq("events in history", len(history), 1)
        expect_eq("deliveries", sorted(d["status"] for d in history[0]["deliveries"]),
                  ["delivered", "delivered"])
        check(history[0]["event"]["height"] >= crossing,
              f"event at {history[0]['event']['height']}, crossing at {crossing}")
        log(f"one email ({mail['subject']!r}) and one signed webhook; delivery latency "
            f"{latency:.2f}s from the crossing block ({crossing}) to the email")

        # 4. Disabled: a second crossing sends nothing; a control alert sees that crossing.
        spice("disable", "1")
        spice("add", "--lease", str(lease_id), "--when", f"runway-blocks<{THRESHOLD}",
              "--name", "control", "--channel", f"webhook:{hook_url}")
        wait_for("the control alert's first look", lambda: len(hooks.of("control")) >= 1, 15)
        res = execute({"deposit": {"lease_id": lease_id}}, "tenant", amount=PRICE * 20)
        lease = chain.smart(escrow, {"lease": {"lease_id": lease_id}})
        check(int(lease["runway_blocks"]) >= THRESHOLD, f"runway {lease['runway_blocks']}")
        wait_for("the second crossing (control alert)", lambda: len(hooks.of("control")) >= 2,
                 40)
        time.sleep(2)
        expect_eq("emails after the disabled alert's second crossing", mailbox.count(), 1)
        expect_eq("posts of the disabled alert", len(hooks.of(NAME)), 1)
        expect_eq("disabled alert's events", len(json.loads(spice("history", "1", "--json"))), 1)
        log("disabled: the second crossing sent nothing (the control alert fired on it)")

        # 5. SMTP down during a crossing: retried, then delivered once it is back.
        smtp.stop()
        spice("enable", "1")
        wait_for("a refused attempt", lambda: any(
            d["attempts"] >= 2 and d["status"] == "pending"
            for e in json.loads(spice("history", "1", "--json"))
            for d in e["deliveries"] if d["channel"].startswith("email:")), 20)
        smtp = Controller(mailbox, hostname="127.0.0.1", port=smtp_port)
        smtp.start()
        wait_for("the email after the SMTP server came back", lambda: mailbox.count() >= 2, 30)
        time.sleep(2)
        expect_eq("emails", mailbox.count(), 2)
        events = json.loads(spice("history", "1", "--json"))
        email_rows = [d for d in events[0]["deliveries"] if d["channel"].startswith("email:")]
        expect_eq("email delivery", email_rows[0]["status"], "delivered")
        check(email_rows[0]["attempts"] >= 2, f"attempts {email_rows[0]['attempts']}")
        log(f"SMTP down: delivered once it returned, after {email_rows[0]['attempts']} attempts")
        check(watcher.poll() is None, "the watcher stopped")
        watcher.send_signal(signal.SIGINT)
        watcher.wait(15)

        # 6. A watcher that dies between writing the outbox and sending: the next one sends once.
        spice("add", "--lease", str(lease_id), "--when", f"runway-blocks<{THRESHOLD}",
              "--name", "crash", "--notes", "restart test", "--channel", "email:ops@spice.test")
        once = [args.spice, "alerts", "--db", db, "run", "--network", "local", "--once",
                "--state-file", os.path.abspath(args.state), "--grpc-url", grpc]
        p = subprocess.run(once + ["--fault", "after-outbox-write"], env=env, cwd=workdir,
                           capture_output=True, text=True, timeout=60)
        check(p.returncode != 0 and "fault injected" in p.stderr, f"fault run: {p.stderr}")
        crash = json.loads(spice("history", "3", "--json"))
        expect_eq("crash events", len(crash), 1)
        expect_eq("crash delivery before restart", crash[0]["deliveries"][0]["status"], "pending")
        expect_eq("emails before restart", mailbox.count(), 2)
        for _ in range(2):
            p = subprocess.run(once, env=env, cwd=workdir, capture_output=True, text=True,
                               timeout=60)
            check(p.returncode == 0, f"restarted watcher: {p.stderr}")
        time.sleep(1)
        expect_eq("emails after two restarted rounds", mailbox.count(), 3)
        check("crash" in mailbox.messages[2]["subject"], mailbox.messages[2]["subject"])
        expect_eq("crash events after restart", len(json.loads(spice("history", "3", "--json"))),
                  1)
        log("killed between outbox write and send: the restarted watcher sent it once")
    except StepFailed as e:
        print(f"alerts e2e FAILED: {e}", file=sys.stderr)
        if watcher is not None:
            print(open(os.path.join(workdir, "watcher.log")).read()[-3000:], file=sys.stderr)
        return 1
    finally:
        if watcher is not None and watcher.poll() is None:
            watcher.send_signal(signal.SIGINT)
            try:
                watcher.wait(10)
            except subprocess.TimeoutExpired:
                watcher.kill()
        try:
            smtp.stop()
        except (AssertionError, RuntimeError):
            pass  # already stopped
        web.shutdown()
    print(f"alerts e2e passed in {time.monotonic() - started:.0f}s "
          f"(delivery latency {latency:.2f}s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
