"""Hostile command-line input: one clear line (a JSON object under --json), exit 2, no trace.

Most cases are refused before any service starts; the last ones need the stack (a clip to save,
a question to answer and store).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from deepsentinel_pipelines import cli
from deepsentinel_pipelines.aws.clients import make_client
from deepsentinel_pipelines.db.clip_rows import save_event_clip
from deepsentinel_pipelines.db.video_rows import replace_events, upsert_video
from deepsentinel_pipelines.settings import REPO_ROOT
from deepsentinel_pipelines.video.clips import EncodedClip
from deepsentinel_pipelines.video.types import Event, VideoInfo

HOSTILE_NAME = "evil\n\x1b[31mred\u202e.mp4"
SHOWN_NAME = "evil\\n\\x1b[31mred\\u202e.mp4"


def _loop(tmp: Path) -> str:
    (tmp / "a.mp4").symlink_to(tmp / "b.mp4")
    (tmp / "b.mp4").symlink_to(tmp / "a.mp4")
    return str(tmp / "a.mp4")


def _fifo(tmp: Path) -> str:
    os.mkfifo(tmp / "pipe.mp4")
    return str(tmp / "pipe.mp4")


def _video(tmp: Path) -> str:
    (tmp / "clip.mp4").write_bytes(b"not probed: refused before")
    return str(tmp / "clip.mp4")


# (argv built from a temporary folder, words the one line must hold)
CASES = {
    "ask start negative": (lambda t: ["ask", "falls?", "--start", "-100"], ">= 0, not -100"),
    "ask start nan": (lambda t: ["ask", "falls?", "--start", "nan"], "not nan"),
    "ask end inf": (lambda t: ["ask", "falls?", "--end", "inf"], "not inf"),
    "ask reversed window": (
        lambda t: ["ask", "falls?", "--start", "50", "--end", "10"],
        "starts after it ends (50 s > 10 s)",
    ),
    "ask bad session": (lambda t: ["ask", "falls?", "--session", "x\x1b[2J"], "not a session id"),
    "process folder": (lambda t: ["process", str(t)], "is a folder"),
    "process fifo": (lambda t: ["process", _fifo(t)], "is a fifo"),
    "process /dev/zero": (lambda t: ["process", "/dev/zero"], "device"),
    "process symlink loop": (lambda t: ["process", _loop(t)], "loop of symbolic links"),
    "process missing": (lambda t: ["process", str(t / "gone.mp4")], "no such file"),
    "process escapes": (lambda t: ["process", str(t / HOSTILE_NAME)], SHOWN_NAME),
    "process camera newline": (
        lambda t: ["process", _video(t), "--camera", "lobby\nfake line"],
        "'\\n'",
    ),
    "process camera mention": (lambda t: ["process", _video(t), "--camera", "<!channel>"], "'!'"),
    "upload camera traversal": (lambda t: ["upload", _video(t), "--camera", ".."], "letter"),
    "upload camera too long": (lambda t: ["upload", _video(t), "--camera", "c" * 65], "64"),
    "upload folder": (lambda t: ["upload", str(t)], "is a folder"),
    "process key not a video": (
        lambda t: ["process", _video(t), "--key", "uploads/lobby/notes.txt"],
        "'uploads/lobby/notes.txt': not a video file (.txt) (the sensors would skip it)",
    ),
    "upload key a folder marker": (
        lambda t: ["upload", _video(t), "--key", "uploads/lobby/"],
        "folder marker (the sensors would skip it)",
    ),
    "presign camera": (lambda t: ["presign", "a/b.mp4", "--camera", "a b"], "' '"),
    "presign name": (lambda t: ["presign", "notes.txt"], "not a video file"),
}
NO_JSON = {
    "clip out folder": (lambda t: ["clip", "1", "--out", str(t)], "is a folder"),
    "clip out no folder": (lambda t: ["clip", "1", "--out", str(t / "no" / "x.mp4")], "not exist"),
    "backfill since": (lambda t: ["backfill", "--since", "yesterday"], "not a date"),
}


def _one_line(err: str, expected: str) -> None:
    lines = err.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("error: ") and expected in lines[0], lines
    assert "Traceback" not in err and "\x1b" not in err


@pytest.mark.parametrize("case", [*CASES, *NO_JSON])
def test_a_mistake_is_one_line_and_exit_2(case: str, tmp_path: Path, capsys) -> None:
    make, expected = (CASES | NO_JSON)[case]
    assert cli.main(make(tmp_path)) == 2
    captured = capsys.readouterr()
    _one_line(captured.err, expected)
    assert captured.out == ""


@pytest.mark.parametrize("case", list(CASES))
def test_under_json_the_mistake_is_an_object(case: str, tmp_path: Path, capsys) -> None:
    make, expected = CASES[case]
    assert cli.main([*make(tmp_path), "--json"]) == 2
    captured = capsys.readouterr()
    _one_line(captured.err, expected)
    [line] = captured.out.strip().splitlines()
    reply = json.loads(line)
    assert reply["success"] is False and reply["error"]


PLAZA = VideoInfo("mp4", "h264", 10.0, 900, 90.0, 768, 576, 0, 1000, "0" * 64)


@pytest.fixture()
def clip_event(settings, unique_id) -> int:
    """An event with a clip in the highlights bucket: its id."""
    video_id = f"tests/{unique_id}/clip.mp4"
    key = f"clips/{video_id}/fall.mp4"
    with psycopg.connect(settings.database_url) as conn:
        upsert_video(conn, video_id, settings.raw_videos_bucket, video_id, "plaza", PLAZA)
        [stored] = replace_events(
            conn, video_id, [Event("fall", 5.0, 7.0, 1, None, 0.9, "fell")], analysis_id=None
        )
        clip = EncodedClip(stored.event_id, key, b"", 10, 768, 576, 3.0, 9.0)
        save_event_clip(conn, video_id, clip, analysis_id=None)
    s3 = make_client("s3", settings.aws_endpoint_url, settings.region)
    s3.put_object(Bucket=settings.highlights_bucket, Key=key, Body=b"mp4 bytes")
    yield stored.event_id
    with psycopg.connect(settings.database_url) as conn:
        conn.execute("DELETE FROM videos WHERE video_id = %s", (video_id,))


def test_clip_out_on_a_full_device_is_one_line(clip_event: int, tmp_path: Path, capsys) -> None:
    assert cli.main(["clip", str(clip_event), "--out", "/dev/full"]) == 2
    _one_line(capsys.readouterr().err, "/dev/full: No space left on device")
    assert Path("/dev/full").is_char_device()  # written in place, never replaced
    saved = tmp_path / "fall.mp4"
    assert cli.main(["clip", str(clip_event), "--out", str(saved)]) == 0
    assert saved.read_bytes() == b"mp4 bytes"
    assert cli.main(["clip", "999999999"]) == 2
    _one_line(capsys.readouterr().err, "event #999999999 has no clip")


def test_a_question_in_another_encoding_is_answered_and_saved(settings, db) -> None:
    question = "did anyone fall near the caf\xe9 \xff?".encode("latin-1")
    completed = subprocess.run(
        [sys.executable, "-m", "deepsentinel_pipelines.cli", "ask", question, "--json"],
        cwd=REPO_ROOT,
        env=dict(os.environ),
        capture_output=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr.decode(errors="replace")
    reply = json.loads(completed.stdout.decode().strip().splitlines()[-1])
    [(stored,)] = db.execute(
        "SELECT question FROM qa_interactions i JOIN qa_sessions s USING (session_id)"
        " WHERE s.session_id = %s",
        (reply["session_id"],),
    ).fetchall()
    assert stored == "did anyone fall near the caf\ufffd \ufffd?"
    assert reply["answer"]
