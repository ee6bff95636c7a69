#!/usr/bin/python3
"""A real SMTP server for the mail tests (Debian's python3-aiosmtpd), on loopback only.

Prints "listening on <port>" once it takes connections, then stores every accepted message as
<maildir>/<n>.eml and appends one JSON line per event to <maildir>/log.jsonl. Behaviours the
tests need:
  --refuse           answer 550 to every RCPT TO (a permanent refusal)
  --tempfail N       answer 451 to RCPT TO for the first N mails, then accept
  --drop N           drop the connection after the first N messages' data, without answering
  --delay S          wait S seconds before answering each message's data
  --starttls C K     offer and require STARTTLS with certificate C and key K (PEM)
  --auth USER:PASS   require AUTH (PLAIN or LOGIN) with these credentials
  --auth-only M      offer only the AUTH mechanism M (PLAIN or LOGIN)
  --lifetime S       exit after S seconds whatever happens (a test that dies leaves nothing behind)
"""
import argparse
import asyncio
import email
import json
import os
import signal
import socket
import ssl
import sys
import threading
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Handler:
    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()
        self.count = 0
        self.rcpt_calls = 0
        self.data_calls = 0

    def log(self, **event):
        event["at"] = time.time()
        with self.lock:
            with open(os.path.join(self.args.maildir, "log.jsonl"), "a") as f:
                f.write(json.dumps(event) + "\n")

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.args.refuse:
            self.log(event="refused", rcpt=address)
            return "550 5.1.1 Mailbox unavailable"
        with self.lock:
            self.rcpt_calls += 1
            temp = self.rcpt_calls <= self.args.tempfail
        if temp:
            self.log(event="tempfail", rcpt=address)
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.data_calls += 1
            drop = self.data_calls <= self.args.drop
        if self.args.delay > 0:
            await asyncio.sleep(self.args.delay)
        if drop:
            self.log(event="dropped", rcpt=envelope.rcpt_tos)
            server.transport.abort()
            return "421 4.3.0 Dropped"
        message = email.message_from_bytes(envelope.original_content or envelope.content)
        with self.lock:
            self.count += 1
            n = self.count
            with open(os.path.join(self.args.maildir, "%d.eml" % n), "wb") as f:
                f.write(envelope.original_content or envelope.content)
        self.log(event="accepted", n=n, mail_from=envelope.mail_from, rcpt=envelope.rcpt_tos,
                 message_id=message.get("Message-ID"), tls=session.ssl is not None,
                 auth=bool(session.authenticated))
        return "250 2.0.0 Accepted"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--maildir", required=True)
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--refuse", action="store_true")
    p.add_argument("--tempfail", type=int, default=0)
    p.add_argument("--drop", type=int, default=0)
    p.add_argument("--delay", type=float, default=0.0)
    p.add_argument("--starttls", nargs=2, metavar=("CERT", "KEY"))
    p.add_argument("--auth")
    p.add_argument("--auth-only", choices=["PLAIN", "LOGIN"])
    p.add_argument("--lifetime", type=float, default=300.0)
    args = p.parse_args()
    os.makedirs(args.maildir, exist_ok=True)

    port = args.port
    if port == 0:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]

    kwargs = {}
    if args.starttls:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.starttls[0], args.starttls[1])
        kwargs.update(tls_context=context, require_starttls=True)
    if args.auth:
        user, password = args.auth.split(":", 1)

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = isinstance(auth_data, LoginPassword) and auth_data.login == user.encode() \
                and auth_data.password == password.encode()
            return AuthResult(success=ok, handled=False)

        kwargs.update(authenticator=authenticator, auth_required=True, auth_require_tls=bool(args.starttls))
        if args.auth_only:
            kwargs.update(auth_exclude_mechanism=[m for m in ("PLAIN", "LOGIN") if m != args.auth_only])
    handler = Handler(args)
    controller = Controller(handler, hostname="127.0.0.1", port=port, ready_timeout=10, **kwargs)
    controller.start()
    print("listening on %d" % port, flush=True)

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait(args.lifetime)
    controller.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
