"""Output paths are checked before any work, and only a regular file is ever replaced."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coach.cli import app
from coach.errors import ExitCode, OutputPathError
from coach.output.paths import check_output, plan_outputs, staging


def refused(path: Path | str) -> str:
    with pytest.raises(OutputPathError) as caught:
        check_output(Path(path))
    assert caught.value.exit_code == ExitCode.BAD_INPUT
    assert "\n" not in str(caught.value)
    return str(caught.value)


def test_a_plain_new_file_in_an_existing_folder_is_fine(tmp_path):
    assert check_output(tmp_path / "s.mp3") == tmp_path.resolve() / "s.mp3"
    assert list(tmp_path.iterdir()) == []  # the writability probe leaves nothing


def test_what_cannot_be_written_is_refused(tmp_path):
    (tmp_path / "folder").mkdir()
    assert "is a folder" in refused(tmp_path / "folder")
    assert "names no file" in refused("")
    assert "does not exist" in refused(tmp_path / "missing" / "s.mp3")
    (tmp_path / "file").write_text("x")
    assert "is not a folder" in refused(tmp_path / "file" / "s.mp3")
    assert "allows 255" in refused(tmp_path / ("a" * 300 + ".mp3"))
    os.mkfifo(tmp_path / "fifo.mp3")
    assert "not a regular file" in refused(tmp_path / "fifo.mp3")
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(tmp_path / "sock.mp3"))
        assert "not a regular file" in refused(tmp_path / "sock.mp3")


def test_a_device_is_never_replaced_even_through_a_link(tmp_path):
    (tmp_path / "null.mp3").symlink_to(os.devnull)
    assert "not a regular file" in refused(tmp_path / "null.mp3")
    assert "not a regular file" in refused(os.devnull)


def test_a_link_to_a_regular_file_updates_the_file_and_keeps_the_link(tmp_path):
    (tmp_path / "real.mp3").write_text("old")
    (tmp_path / "link.mp3").symlink_to(tmp_path / "real.mp3")
    target = check_output(tmp_path / "link.mp3")
    assert target == (tmp_path / "real.mp3").resolve()


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into any folder")
def test_a_folder_without_write_permission_is_refused(tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir(mode=0o500)
    assert "not writable" in refused(folder / "s.mp3")


def test_split_names_and_cue_sheets():
    outputs = plan_outputs(Path("/x/s.mp3"), ".mp3", ["Welcome", "Knee to chest!"], cues=True)
    assert [p.name for p in outputs.audio] == ["s-01-welcome.mp3", "s-02-knee-to-chest.mp3"]
    assert [p.name for p in outputs.cues] == ["s-01-welcome.vtt", "s-02-knee-to-chest.vtt"]
    assert outputs.playlist == Path("/x/s.m3u8")


def test_staged_files_are_removed_unless_committed(tmp_path):
    final = tmp_path / "s.mp3"
    final.write_text("old")
    with pytest.raises(KeyboardInterrupt), staging() as stage:
        stage.temp(final).write_text("new")
        raise KeyboardInterrupt
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.mp3"]
    assert final.read_text() == "old"
    with staging() as stage:
        stage.temp(final).write_text("new")
        stage.commit()
    assert final.read_text() == "new" and len(list(tmp_path.iterdir())) == 1


def test_commit_refuses_what_appeared_in_the_way_meanwhile(tmp_path):
    final = tmp_path / "s.mp3"
    with pytest.raises(OutputPathError), staging() as stage:
        stage.temp(final).write_text("new")
        os.mkfifo(final)
        stage.commit()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.mp3"] and not final.is_file()


@pytest.mark.parametrize(
    ("output", "message"),
    [
        ("missing/s.mp3", "does not exist"),
        ("", "names no file"),
        ("sub", "is a folder"),
        ("pipe.mp3", "not a regular file"),
    ],
)
def test_the_cli_refuses_before_any_synthesis(tmp_path, output, message):
    (tmp_path / "sub").mkdir()
    os.mkfifo(tmp_path / "pipe.mp3")
    cache = tmp_path / "cache"
    result = CliRunner().invoke(
        app,
        [
            "export",
            "bridge",
            "-o",
            str(tmp_path / output) if output else "",
            "--cache-dir",
            str(cache),
        ],
    )
    assert result.exit_code == ExitCode.BAD_INPUT, result.output
    assert result.output.startswith("coach: error: ") and result.output.count("\n") == 1
    assert message in result.output
    assert not any(cache.rglob("*.wav"))  # nothing was synthesized


def test_split_file_names_are_checked_before_any_synthesis(tmp_path):
    (tmp_path / "s-02-bridge.mp3").mkdir()
    cache = tmp_path / "cache"
    result = CliRunner().invoke(
        app,
        ["export", "bridge", "-o", str(tmp_path / "s.mp3"), "--split", "--cache-dir", str(cache)],
    )
    assert result.exit_code == ExitCode.BAD_INPUT, result.output
    assert "s-02-bridge.mp3' is a folder" in result.output
    assert not any(cache.rglob("*.wav"))
