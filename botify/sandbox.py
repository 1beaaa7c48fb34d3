"""A submission's code runs where the hidden world does not exist: the grader's wall, built by the kernel.

With bubblewrap (``bwrap``, Linux; ``make setup-sandbox`` installs Debian's
package), a command runs in its own user, mount, PID and network namespaces
with every capability dropped:

- the file system is read-only, each ``hidden`` folder is an empty one, and
  only the ``writable`` folders can be written;
- /tmp is a fresh, empty one where only the ``writable``, the ``readable``
  folders, the working directory and Python's own folders appear, so no
  other service's unix socket (the grader's Redis, say) can be reached;
- no other process is visible (so no other process's command line, files or
  memory either);
- there is no network but the sandbox's own loopback: nothing outside can be
  reached, the grader's service and the simulator included. A sandboxed
  ``botify serve`` answers on a unix socket in a ``writable`` folder.

These are the operating system's guarantees, not checks in Python that a
determined student could patch out. Where bubblewrap is missing or not allowed
to make namespaces, or ``BOTIFY_SANDBOX=off`` turns it off (to show what the
walls stop), ``isolation()`` says so and commands run as they are.
"""

import functools
import os
import pathlib
import shutil
import subprocess
import sys

SWITCH = "BOTIFY_SANDBOX"  # "off" runs submissions as they are: to see what a wall stops, never to grade
NO_SANDBOX = ("NOT isolated: bubblewrap (bwrap) is missing or cannot make namespaces here, so the submission "
              "could read the hidden world; a grade for practice only (make setup-sandbox installs it)")
TURNED_OFF = (f"NOT isolated: the sandbox was turned off ({SWITCH}=off), so the submission could read the "
              "hidden world; a grade for practice only")
SANDBOXED = ("isolated: the submission's code ran in a sandbox without the hidden world, the simulator's "
             "package, any other process or the network (bubblewrap)")


@functools.cache
def available():
    """Whether bubblewrap can make a sandbox here (it may be installed but refused by the kernel)."""
    if os.environ.get(SWITCH) == "off" or not shutil.which("bwrap"):
        return False
    probe = subprocess.run(["bwrap", *_walls(), "--", "true"], capture_output=True, timeout=30)
    return probe.returncode == 0


def isolation():
    """One line for a verdict: what kept the submission from the hidden world, if anything."""
    if available():
        return SANDBOXED
    return TURNED_OFF if os.environ.get(SWITCH) == "off" else NO_SANDBOX


def wrap(argv, hidden=(), writable=(), readable=(), tmp=None):
    """``argv`` run in a sandbox (unchanged where there is none). ``writable`` and ``readable`` folders must
    exist; ``tmp``, a writable folder too, becomes its TMPDIR."""
    if not available():
        return [str(part) for part in argv]
    writable = [*writable, *([tmp] if tmp else [])]
    seen = [*readable, os.getcwd(), sys.prefix, sys.base_prefix]
    mounts = {_real(folder): "--ro-bind" for folder in seen if _under_tmp(folder)}
    mounts.update({_real(folder): "--bind" for folder in writable})
    walls = _walls() + ["--tmpfs", "/tmp"]
    for folder in sorted(mounts, key=lambda path: len(pathlib.Path(path).parts)):  # parents first
        walls += [mounts[folder], folder, folder]
    if tmp:
        walls += ["--setenv", "TMPDIR", str(tmp)]
    for folder in hidden:
        if pathlib.Path(folder).is_dir():
            walls += ["--tmpfs", _real(folder)]
    return ["bwrap", *walls, "--chdir", os.getcwd(), "--", *map(str, argv)]


def _real(folder):
    return str(pathlib.Path(folder).resolve())


def _under_tmp(folder):
    return pathlib.Path(_real(folder)).is_relative_to("/tmp")


def _walls():
    """Read-only /, its own /proc and /dev, every namespace (network too), no capability; the command
    dies with the sandbox and gets no terminal to push input into."""
    return ["--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev", "--unshare-all",
            "--cap-drop", "ALL", "--die-with-parent", "--new-session"]
