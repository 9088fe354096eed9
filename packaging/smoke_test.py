"""Checks a PyInstaller build of GameHub; run by the build itself, nothing else needed:

    dist/GameHub/GameHub run-script packaging/smoke_test.py

It runs the frozen executable (sys.executable) as a user would: --help, a hub on
127.0.0.1 without discovery, with and without the sample games, two players playing
Rock Paper Scissors through `play` (the hub and the players run the game's scripts with
`GameHub run-script`), and the window for a few seconds (QT_QPA_PLATFORM=offscreen
unless set, e.g. to xcb under xvfb-run), whose output must not mention a missing icon,
style sheet or translation. It also loads the icons, style sheet and translation itself.
The window browses for hubs over mDNS: to keep that off the network, run this inside a
private network namespace (packaging/README.md says how). Prints one line per check;
exits 1 if any failed.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

GAMEHUB = sys.executable
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # xcb under xvfb-run works too
ENV = dict(os.environ, GAMEHUB_PASSWORD="secret", GAMEHUB_MDNS_INTERFACES="127.0.0.1")
WARNINGS = (
    "Missing icon",
    "Could not read the style sheet",
    "Could not load the translation",
    "Traceback",
)
failed: list[str] = []


def check(name: str, ok: bool, detail: str = "") -> None:
    """Prints the check's result; ``detail`` (what went wrong) only when it failed."""
    print(f"ok   {name}" if ok else f"FAIL {name}: {detail}", flush=True)
    if not ok:
        failed.append(name)


def gamehub(*args: str, data: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [GAMEHUB, *args, "--data", str(data)],
        check=False, env=ENV, capture_output=True, text=True, stdin=subprocess.DEVNULL,
        timeout=60,
    )  # fmt: skip


def start_hub(data: Path, *extra: str) -> tuple[subprocess.Popen[str], str]:
    host = subprocess.Popen(
        [GAMEHUB, "host", "--data", str(data), "--bind", "127.0.0.1", "--port", "0",
         "--no-discovery", "--json", *extra],
        env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert host.stdout is not None
    return host, f"127.0.0.1:{json.loads(host.stdout.readline())['req_port']}"


def stop(proc: subprocess.Popen[str]) -> tuple[str, str]:
    proc.send_signal(signal.SIGTERM)
    return proc.communicate(timeout=30)


def store(hub: str, data: Path) -> list[str]:
    gamehub("register", "--hub", hub, "--role", "player", "--user", "ann", data=data)
    listed = gamehub("games", "--hub", hub, "--user", "ann", "--json", data=data)
    return sorted(g["name"] for g in json.loads(listed.stdout))


def play_rps(hub: str, tmp: Path) -> None:
    def play(name: str, *extra: str) -> subprocess.Popen[str]:
        gamehub("register", "--hub", hub, "--role", "player", "--user", name, data=tmp / name)
        return subprocess.Popen(
            [GAMEHUB, "play", "gamehub-rps", "--hub", hub, "--user", name,
             "--data", str(tmp / name), "--json", *extra],
            env=ENV, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip

    ann = play("ann")
    assert ann.stdout is not None
    room = json.loads(ann.stdout.readline())["room"]["id"]
    bob = play("bob", "--room", room)
    with ThreadPoolExecutor(2) as pool:  # both type at once, or each waits for the other
        ann_done = pool.submit(ann.communicate, "r\nr\nr\n", 90)
        bob_done = pool.submit(bob.communicate, "p\np\np\n", 90)
        (out_ann, err_ann), (out_bob, err_bob) = ann_done.result(), bob_done.result()
    codes = (ann.returncode, bob.returncode)
    check("rps: both players' `play` exit 0", codes == (0, 0), f"{codes} {err_ann}{err_bob}")
    check("rps: bob wins the match", "You win the match" in out_bob, out_bob[-300:])
    check("rps: ann loses it", "You lost the match" in out_ann, out_ann[-300:])


def hashes(tmp: Path) -> None:
    """BLAKE3 and compiled FastCDC are in the build: without them the app would quietly
    publish SHA-256 only, or cut files slowly (or in fixed blocks)."""
    script = tmp / "hashes.py"
    script.write_text(
        "from hub_core.util import digests\n"
        "from hub_core.packages._chunks import chunker\n"
        "print(digests.digest(b'', digests.HashKind.BLAKE3))\n"
        "print(type(getattr(chunker(), '__self__', None)).__module__)\n"
    )
    done = subprocess.run(
        [GAMEHUB, "run-script", str(script)],
        env=ENV, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    empty = "b3-af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262"
    lines = done.stdout.split()
    check("BLAKE3 for new packages is in the build", lines[:1] == [empty], done.stderr)
    cdc = lines[1:2] == ["pyfastcdc.cy.fastcdc"]
    check("compiled FastCDC is in the build", cdc, done.stdout + done.stderr)


def open_window(hub: str, data: Path, seconds: float = 8.0) -> None:
    app = subprocess.Popen(
        [GAMEHUB, "--data", str(data), "--hub", hub],
        env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    time.sleep(seconds)
    alive = app.poll() is None
    out, err = stop(app)
    logs = "".join(p.read_text(errors="replace") for p in (data / "logs").glob("*.log"))
    seen = [w for w in WARNINGS if w in out + err + logs]
    check(f"window: still open after {seconds:.0f} s", alive, err[-500:])
    check("window: quits on SIGTERM with exit 0", app.returncode == 0, str(app.returncode))
    check("window: no missing icon, style sheet or translation", not seen, f"{seen}\n{err}")


def resources() -> None:
    from PySide6.QtWidgets import QApplication

    from gamehub_qt.base import i18n, style
    from hub_core.server.store.samples import samples_folder

    app = QApplication.instance() or QApplication([])
    bundle = Path(getattr(sys, "_MEIPASS", "/nonexistent"))
    found = style.resource_dir()
    check("resources are the bundle's", found.is_relative_to(bundle), str(found))
    samples = samples_folder()
    check("sample games are the bundle's", samples is not None and samples.is_relative_to(bundle))
    names = sorted(p.stem for p in (found / "icons").glob("*.svg"))
    empty = [n for n in names if style.icon(n).pixmap(32, 32).isNull()]
    check(f"{len(names)} SVG icons render", bool(names) and not empty, str(empty))
    sheet = style.style_sheet()
    check("style sheet loads", bool(sheet) and "@RES@" not in sheet)
    check("zh_TW translation loads", i18n.load_translator("zh_TW") is not None)
    del app


def main() -> int:
    check(f"running frozen: {GAMEHUB}", bool(getattr(sys, "frozen", False)))
    helped = subprocess.run(
        [GAMEHUB, "--help"], check=False, capture_output=True, text=True, timeout=60
    )
    check("--help", helped.returncode == 0 and "host" in helped.stdout, helped.stderr)
    resources()
    with tempfile.TemporaryDirectory(prefix="gamehub-smoke-") as name:
        tmp = Path(name)
        hashes(tmp)
        host, hub = start_hub(tmp / "bare", "--no-samples")
        check("host --no-samples: empty store", store(hub, tmp / "bare-ann") == [])
        stop(host)
        host, hub = start_hub(tmp / "hub")
        try:
            games = store(hub, tmp / "lister")
            samples = ["gamehub-dots", "gamehub-rps", "gamehub-tetris"]
            check("host: the samples are published", games == samples, str(games))
            play_rps(hub, tmp)
            open_window(hub, tmp / "window")
        finally:
            _, err = stop(host)
        check("host: stops on SIGTERM with exit 0", host.returncode == 0, err[-500:])
        rooms = "".join(p.read_text() for p in (tmp / "hub").rglob("rooms/*.log"))
        check("the hub ran the rps server through run-script", "run-script" in rooms, rooms)
    print("all checks passed" if not failed else f"{len(failed)} checks failed", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
