"""A real IMAP server on loopback for the polling tests: Dovecot (Debian's
dovecot-imapd), started with its own configuration in a temporary directory."""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from exdesk import testing
from exdesk.devserver import free_port

USER, PASSWORD = "support", "mailbox-password"

CONFIG = """
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 1
mail_location = maildir:{root}/mail/%u
# Where inotify is unavailable (containers), check the mailbox each second in IDLE.
mailbox_idle_check_interval = 1 secs
passdb {{
  driver = static
  args = password={password}
}}
userdb {{
  driver = static
  args = uid=nobody gid=nogroup home={root}/mail/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
"""


@dataclass
class ImapServer:
    port: int
    user: str = USER
    password: str = PASSWORD


@contextlib.contextmanager
def dovecot():
    # Not pytest's tmp_path: its parents are private to the test user, and Dovecot's mail
    # user must reach its maildir.
    root = Path(tempfile.mkdtemp(prefix="exdesk-imap-"))
    root.chmod(0o755)
    binary = shutil.which("dovecot") or "/usr/sbin/dovecot"
    testing.require(Path(binary).exists(), "Dovecot (apt-get install dovecot-imapd) is missing")
    port = free_port()
    (root / "mail").mkdir(parents=True)
    (root / "mail").chmod(0o777)  # the mail user (nobody) writes its maildir there
    config = root / "dovecot.conf"
    config.write_text(CONFIG.format(root=root, port=port, password=PASSWORD))
    subprocess.run([binary, "-c", str(config)], check=True)
    try:
        deadline = time.monotonic() + 10
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                break
            if time.monotonic() > deadline:
                raise RuntimeError((root / "dovecot.log").read_text(errors="replace"))
            time.sleep(0.05)
        yield ImapServer(port)
    finally:
        subprocess.run([binary, "-c", str(config), "stop"], check=False)
        shutil.rmtree(root, ignore_errors=True)
