"""Landlock for game processes (Linux 5.13+): read their package and runtime, write their scratch.

A small ctypes layer over the three Landlock syscalls rather than the ``landlock`` PyPI
package: that one is a pre-release (1.0.0.dev5) whose ``apply()`` restricts the calling
process in one go, while a game's ruleset is built in the hub, off the server's start-up
path, and only enforced in the server. So the hub prepares a ruleset fd per room
(``Ruleset.build``) and passes it to the child, whose first act
(hub_core.run_script.confine) is two bare syscalls: prctl(PR_SET_NO_NEW_PRIVS) and
landlock_restrict_self. It then closes the fd, so the game never sees it.

Only file-system access is handled (best effort up to the kernel's ABI), plus signal
scoping from ABI 6 so a game cannot signal the hub. TCP bind/connect (ABI 4) is left
alone: games need their own networking.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import sys
from dataclasses import dataclass
from pathlib import Path

_SYS_CREATE, _SYS_ADD_RULE, _SYS_RESTRICT = 444, 445, 446  # the same on every architecture
_CREATE_RULESET_VERSION = 1
_RULE_PATH_BENEATH = 1
_SCOPE_SIGNAL = 1 << 1

EXECUTE, WRITE_FILE, READ_FILE, READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
REFER, TRUNCATE, IOCTL_DEV = 1 << 13, 1 << 14, 1 << 15
_FILE_ONLY = EXECUTE | WRITE_FILE | READ_FILE | TRUNCATE | IOCTL_DEV
READ = EXECUTE | READ_FILE | READ_DIR


def _handled(abi: int) -> int:
    """Every file-system right the kernel's ABI knows: unlisted ones are then denied."""
    rights = (1 << 13) - 1  # ABI 1: execute .. make_sym
    if abi >= 2:
        rights |= REFER
    if abi >= 3:
        rights |= TRUNCATE
    if abi >= 5:
        rights |= IOCTL_DEV
    return rights


class _RulesetAttr(ctypes.Structure):
    _fields_ = [
        ("handled_access_fs", ctypes.c_uint64),
        ("handled_access_net", ctypes.c_uint64),
        ("scoped", ctypes.c_uint64),
    ]


class _PathBeneath(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


def _libc() -> ctypes.CDLL | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None


_LIBC = _libc()


def probe() -> tuple[int, str]:
    """(Landlock ABI version, '') when usable; (0, why not) otherwise."""
    if _LIBC is None:
        return 0, "it exists only on Linux"
    abi = _LIBC.syscall(_SYS_CREATE, None, ctypes.c_size_t(0), _CREATE_RULESET_VERSION)
    if abi < 0:
        err = ctypes.get_errno()
        why = {
            38: "the kernel is too old (Linux 5.13 or later is needed)",
            95: "it is disabled in this kernel (boot option lsm=...,landlock)",
        }
        return 0, why.get(err, os.strerror(err))
    return int(abi), ""


@dataclass
class Ruleset:
    """A prepared Landlock ruleset for one game process: an fd the child enforces."""

    fd: int

    @classmethod
    def build(cls, abi: int, readable: list[Path], writable: list[Path]) -> Ruleset:
        """Opens every path (O_PATH) and adds its rule; paths that do not exist are skipped.

        Raises OSError when the kernel refuses the ruleset itself.
        """
        assert _LIBC is not None
        handled = _handled(abi)
        attr = _RulesetAttr(handled, 0, _SCOPE_SIGNAL if abi >= 6 else 0)
        size = 24 if abi >= 6 else 16 if abi >= 4 else 8
        fd = _LIBC.syscall(_SYS_CREATE, ctypes.byref(attr), ctypes.c_size_t(size), 0)
        if fd < 0:
            err = ctypes.get_errno()
            raise OSError(err, f"landlock_create_ruleset: {os.strerror(err)}")
        ruleset = cls(int(fd))
        try:
            for path in readable:
                ruleset._allow(path, READ & handled)
            for path in writable:
                ruleset._allow(path, handled)
        except BaseException:
            ruleset.close()
            raise
        return ruleset

    def _allow(self, path: Path, access: int) -> None:
        assert _LIBC is not None
        try:
            target = os.open(path, os.O_PATH | os.O_CLOEXEC)
        except OSError:
            return  # absent here (another distribution's layout): nothing to allow
        try:
            if not os.path.isdir(path):
                access &= _FILE_ONLY
            rule = _PathBeneath(access, target)
            done = _LIBC.syscall(_SYS_ADD_RULE, self.fd, _RULE_PATH_BENEATH, ctypes.byref(rule), 0)
            if done < 0:
                err = ctypes.get_errno()
                raise OSError(err, f"landlock_add_rule {path}: {os.strerror(err)}")
        finally:
            os.close(target)

    def close(self) -> None:
        """Closes the fd once: a second close could hit an fd number reused by a socket."""
        fd, self.fd = self.fd, -1
        if fd >= 0:
            with contextlib.suppress(OSError):
                os.close(fd)


def runtime_paths() -> list[Path]:
    """What a game needs to read to run: Python (or the frozen app), libraries, a little /etc."""
    import hub_core

    paths = {Path(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix)}
    paths.add(Path(os.path.realpath(sys.executable)).parent)
    # gamehub_sdk for the games that use it: the installed (or source) tree holding hub_core.
    paths.add(Path(hub_core.__file__).resolve().parent.parent)
    meipass = getattr(sys, "_MEIPASS", None)
    if getattr(sys, "frozen", False):
        paths.add(Path(sys.executable).resolve().parent)
        if meipass:
            paths.add(Path(meipass))
    system = ["/usr", "/lib", "/lib64", "/lib32", "/libx32", "/bin", "/sbin", "/opt/python"]
    etc = [
        "ld.so.cache", "ld.so.conf", "ld.so.conf.d", "ssl", "ca-certificates", "fonts",
        "locale.alias", "localtime", "timezone", "hosts", "host.conf", "resolv.conf",
        "nsswitch.conf", "gai.conf", "services", "protocols", "passwd", "group", "mime.types",
    ]  # fmt: skip
    devices = ["/dev/null", "/dev/zero", "/dev/urandom", "/dev/random", "/dev/full", "/proc"]
    paths.update(Path(p) for p in system + devices)
    paths.update(Path("/etc") / name for name in etc)
    return sorted(paths)
