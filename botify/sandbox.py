"""A submission's code runs where the hidden world does not exist: the grader's wall, built by the kernel.

With bubblewrap (``bwrap``, Linux; ``make setup-sandbox`` installs Debian's
package), a command runs in its own user, mount and PID namespaces with every
capability dropped: the file system is read-only, each ``hidden`` folder is an
empty one, only the ``writable`` folders can be written, and no other process
is visible (so no other process's command line, files or memory either). It
shares the loopback network, so a sandboxed ``botify serve`` still answers the
simulator. These are the operating system's guarantees, not checks in Python
that a determined student could patch out. Where bubblewrap is missing or not
allowed to make namespaces, ``isolation()`` says so and commands run as they are.
"""

import functools
import os
import pathlib
import shutil
import subprocess

NO_SANDBOX = ("NOT isolated: bubblewrap (bwrap) is missing or cannot make namespaces here, so the submission "
              "could read the hidden world; a grade for practice only (make setup-sandbox installs it)")
SANDBOXED = ("isolated: the submission's code ran in a sandbox without the hidden world, the simulator's "
             "package or any other process (bubblewrap)")


@functools.cache
def available():
    """Whether bubblewrap can make a sandbox here (it may be installed but refused by the kernel)."""
    if not shutil.which("bwrap"):
        return False
    probe = subprocess.run(["bwrap", *_walls(), "--", "true"], capture_output=True, timeout=30)
    return probe.returncode == 0


def isolation():
    """One line for a verdict: what kept the submission from the hidden world, if anything."""
    return SANDBOXED if available() else NO_SANDBOX


def wrap(argv, hidden=(), writable=(), tmp=None):
    """``argv`` run in a sandbox (unchanged where there is none). ``writable`` folders must exist; ``tmp``,
    a writable folder too, becomes its TMPDIR (the rest of /tmp is read-only there)."""
    if not available():
        return [str(part) for part in argv]
    walls = _walls()
    for folder in [*writable, *([tmp] if tmp else [])]:
        walls += ["--bind", str(folder), str(folder)]
    if tmp:
        walls += ["--setenv", "TMPDIR", str(tmp)]
    for folder in hidden:
        if pathlib.Path(folder).is_dir():
            walls += ["--tmpfs", str(folder)]
    return ["bwrap", *walls, "--chdir", os.getcwd(), "--", *map(str, argv)]


def _walls():
    """Read-only /, its own /proc and /dev, every namespace but the network's, no capability; the command
    dies with the sandbox and gets no terminal to push input into."""
    return ["--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev", "--unshare-all", "--share-net",
            "--cap-drop", "ALL", "--die-with-parent", "--new-session"]
