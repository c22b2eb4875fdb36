"""Exit 0 when the named services answer. Under CI=true a missing one is an error."""

import os
import socket
import sys

ADDRESSES = {"postgresql": ("127.0.0.1", 5432), "redis": ("127.0.0.1", 6379)}


def reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def main(names: list[str]) -> int:
    missing = [name for name in names if not reachable(*ADDRESSES[name])]
    if not missing:
        return 0
    print(f"not reachable: {', '.join(missing)}", file=sys.stderr)
    if os.environ.get("CI") == "true":
        print("CI=true: a missing service fails the run", file=sys.stderr)
        sys.exit(2)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
