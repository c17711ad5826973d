"""A throwaway PostgreSQL server on loopback, for a gradebook that several graders write (and for its test).

    python scripts/postgres.py start     # prints the SQLAlchemy URL and the data directory
    python scripts/postgres.py stop DIR  # stops that server and deletes its data

Uses Debian's PostgreSQL (``initdb``, ``pg_ctl``); when it is missing and this runs as root, installs the
``postgresql`` package with apt. As root the server runs as the ``postgres`` user (PostgreSQL refuses root).
"""

import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path


class Unavailable(Exception):
    """PostgreSQL is not installed and cannot be installed here."""


def server_bin():
    """The folder of ``initdb`` and ``pg_ctl``, installing Debian's package when it is missing and we are root."""
    for _ in range(2):
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
        if found:
            return Path(found[-1]).parent
        if shutil.which("pg_ctl"):
            return Path(shutil.which("pg_ctl")).resolve().parent
        if os.geteuid() != 0 or not shutil.which("apt-get"):
            raise Unavailable("PostgreSQL is not installed (Debian: apt-get install postgresql) and this is not "
                              "root, so it cannot be installed here")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", "postgresql"], check=True, env=env)
    raise Unavailable("apt-get installed postgresql, but pg_ctl is still missing")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def as_server_user(command):
    """PostgreSQL refuses to run as root: run as its own user then."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def start():
    """Start a server on 127.0.0.1 with one database ``gradebook``; returns (SQLAlchemy URL, data directory)."""
    bin_dir = server_bin()
    data = Path(tempfile.mkdtemp(prefix="gradebook-postgres-"))
    if os.geteuid() == 0:
        shutil.chown(data, "postgres", "postgres")
    port = free_port()
    quiet = {"stdout": subprocess.DEVNULL, "check": True}
    subprocess.run(as_server_user([str(bin_dir / "initdb"), "-D", str(data / "db"), "-U", "grader", "--auth=trust",
                                   "-E", "UTF8"]), **quiet)
    subprocess.run(as_server_user([str(bin_dir / "pg_ctl"), "-D", str(data / "db"), "-l", str(data / "log"), "-w",
                                   "-o", f"-c listen_addresses=127.0.0.1 -p {port} -k {data}", "start"]), **quiet)
    subprocess.run([str(bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "grader", "gradebook"],
                   **quiet)
    return f"postgresql+psycopg://grader@127.0.0.1:{port}/gradebook", data


def stop(data):
    """Stop the server whose data directory is ``data`` and delete it."""
    data = Path(data)
    subprocess.run(as_server_user([str(server_bin() / "pg_ctl"), "-D", str(data / "db"), "-m", "immediate", "-w",
                                   "stop"]), stdout=subprocess.DEVNULL, check=False)
    shutil.rmtree(data, ignore_errors=True)


def main(argv):
    if argv[:1] == ["start"] and len(argv) == 1:
        try:
            url, data = start()
        except Unavailable as err:
            sys.exit(f"no PostgreSQL: {err}")
        print(url)
        print(data)
    elif argv[:1] == ["stop"] and len(argv) == 2:
        stop(argv[1])
    else:
        sys.exit(f"usage: {sys.argv[0]} start | stop DATA_DIRECTORY")


if __name__ == "__main__":
    main(sys.argv[1:])
