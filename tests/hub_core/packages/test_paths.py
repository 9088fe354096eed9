"""Game name and package path rules: every rule as an input → words-in-message table."""

from __future__ import annotations

import posixpath

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hub_core.packages import game_name_problem, path_problem


@pytest.mark.parametrize("name", ["rps", "tic-tac-toe", "snake_2", "2048", "a", "x" * 64])
def test_good_game_names(name: str) -> None:
    assert game_name_problem(name) is None


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("", "is empty"),
        ("x" * 65, "the limit is 64"),
        ("..", "'..'"),
        ("a/b", "'/'"),
        ("/etc", "'/'"),
        ("a\\b", "backslash"),
        ("C:\\x", "backslash"),
        ("my game", "spaces"),
        ("Rps", "try 'rps'"),
        ("TIC-TAC", "try 'tic-tac'"),
        ("con", "reserved device name"),
        ("CON", "reserved device name"),
        ("nul", "reserved device name"),
        ("com1", "reserved device name"),
        ("lpt9", "reserved device name"),
        ("con.txt", "reserved device name"),
        ("_rps", "must start with a letter or a digit"),
        ("-rps", "must start with a letter or a digit"),
        ("rps!", "'!'"),
        ("café", "'é'"),
        ("C:x", "':'"),
        ("a.b", "'.'"),
    ],
)
def test_bad_game_names(name: str, words: str) -> None:
    problem = game_name_problem(name)
    assert problem is not None
    assert words in problem
    assert problem.startswith("The game name ")
    assert problem.endswith(".")


def test_game_name_sentence_names_the_name() -> None:
    assert game_name_problem("Rps") == "The game name 'Rps' must be lowercase; try 'rps'."


@pytest.mark.parametrize(
    "path",
    [
        "manifest.json",
        "start_server.py",
        "assets/images/icon.png",
        "données/é.txt",
        ".hidden",
        "a..b",
        "console.py",
        "com10.py",
        "x" * 255,
        "/".join(["d" * 200] * 5),
    ],
)
def test_good_paths(path: str) -> None:
    assert path_problem(path) is None


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("", "is empty"),
        ("/x", "absolute"),
        ("//server/share/x", "absolute"),
        ("C:/x", "absolute"),
        ("C:x", "absolute"),
        ("c:\\x", "absolute"),
        ("\\\\server\\x", "absolute"),
        ("\\x", "absolute"),
        ("a\\b", "backslash"),
        ("a//b", "empty part"),
        ("a/", "empty part"),
        ("./a", "'.' part"),
        ("a/./b", "'.' part"),
        ("..", "leave the package"),
        ("../x", "leave the package"),
        ("a/../../x", "leave the package"),
        ("a\x00b", "control character"),
        ("a\nb", "control character"),
        ("a\x1bb", "control character"),
        ("a\x85b", "control character"),
        ("x" * 256, "the limit is 255"),
        ("é" * 128, "the limit is 255"),
        ("/".join(["d" * 200] * 6), "the limit is 1,024"),
        ("con", "reserved device name"),
        ("CON.py", "reserved device name"),
        ("aux/x.py", "reserved device name"),
        ("a/nul.tar.gz", "reserved device name"),
        ("lpt1", "reserved device name"),
        ("com9.txt", "reserved device name"),
        ("con .txt", "reserved device name"),
        ("a./b", "dot or space"),
        ("a/b ", "dot or space"),
        ("ab:c", "':'"),
        ("a:b", "absolute"),
        ("what?.txt", "'?'"),
        ("a\udcff", "not valid Unicode"),
    ],
)
def test_bad_paths(path: str, words: str) -> None:
    problem = path_problem(path)
    assert problem is not None
    assert words in problem
    assert problem.startswith("The path ")


def test_path_sentence_names_the_path() -> None:
    assert path_problem("../evil.py") == (
        "The path '../evil.py' has a '..' part, which would leave the package."
    )


@given(st.text(max_size=40))
def test_an_accepted_path_stays_inside_the_package(path: str) -> None:
    if path_problem(path) is None:
        joined = posixpath.normpath(posixpath.join("/pkg", path))
        assert joined.startswith("/pkg/")
        assert joined == "/pkg/" + path
        assert "\\" not in path and ":" not in path


@given(st.text(max_size=70))
def test_an_accepted_game_name_is_a_safe_path(name: str) -> None:
    if game_name_problem(name) is None:
        assert path_problem(name) is None
        assert name == name.lower()
