"""A real SMTP server for the Swift suite's e-mail tests (aiosmtpd).

Listens on 127.0.0.1 (plain, STARTTLS or implicit TLS), optionally requires AUTH (PLAIN and LOGIN)
with one user name and password, and writes each message it accepts to DIR as N.eml (the bytes
as received, after the SMTP transparency dots are removed) and N.json (envelope sender,
recipients, the authenticated user). Prints "PORT <n>" once it listens, then serves until killed.

    python smtp_server.py --dir /tmp/mail --mode starttls --cert c.pem --key k.pem --user u --password p
"""

import argparse
import asyncio
import json
import os
import ssl
import sys

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Saver:
    def __init__(self, directory, fail_first):
        self.directory = directory
        self.count = 0
        self.fail_first = fail_first

    async def handle_DATA(self, server, session, envelope):
        if self.fail_first > 0:
            self.fail_first -= 1
            return "451 4.3.0 try again later"
        self.count += 1
        base = os.path.join(self.directory, str(self.count))
        with open(base + ".eml.part", "wb") as out:
            out.write(envelope.original_content or b"")
        meta = {
            "mailFrom": envelope.mail_from,
            "rcptTos": envelope.rcpt_tos,
            "login": (session.auth_data.login.decode() if isinstance(session.auth_data, LoginPassword) else None),
        }
        with open(base + ".json", "w") as out:
            json.dump(meta, out)
        os.rename(base + ".eml.part", base + ".eml")
        return "250 2.0.0 Message accepted"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    parser.add_argument("--mode", choices=["plain", "starttls", "tls"], default="plain")
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--user")
    parser.add_argument("--password")
    parser.add_argument("--fail-first", type=int, default=0)
    parser.add_argument("--exclude-auth", action="append", default=[])
    args = parser.parse_args()
    os.makedirs(args.dir, exist_ok=True)

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login.decode() == args.user
            and auth_data.password.decode() == args.password
        )
        return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)

    context = None
    if args.mode != "plain":
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.cert, args.key)
    options = {
        "hostname": "127.0.0.1",
        "port": 0,
        "server_hostname": "localhost",
        # With implicit TLS the whole session is encrypted, but aiosmtpd only counts STARTTLS.
        "auth_require_tls": args.mode == "starttls",
        "auth_required": args.user is not None,
        "authenticator": authenticator if args.user is not None else None,
        "auth_exclude_mechanism": args.exclude_auth,
    }
    if args.mode == "starttls":
        options["tls_context"] = context
        options["require_starttls"] = True
    elif args.mode == "tls":
        options["ssl_context"] = context
    # Port 0: the controller's own readiness probe cannot know the port, so bind first.
    import socket

    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    options["port"] = probe.getsockname()[1]
    probe.close()
    controller = Controller(Saver(args.dir, args.fail_first), **options)
    controller.start()
    print(f"PORT {options['port']}", flush=True)
    try:
        asyncio.run(asyncio.Event().wait())
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()


if __name__ == "__main__":
    sys.exit(main())
