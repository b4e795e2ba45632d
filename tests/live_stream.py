"""A live camera the tests make themselves: H.264 in MPEG-TS over TCP on 127.0.0.1, real time.

Each :meth:`LiveStream.serve` listens, waits for the recorder to connect, sends ``seconds`` of
synthetic frames at the camera's pace (a keyframe a second) and hangs up: a camera that stops.
Serving again is the camera coming back.
"""

from __future__ import annotations

import socket
import threading
import time
from fractions import Fraction

import av
import numpy as np

FPS = 10
SIZE = (320, 240)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveStream:
    """One camera on ``127.0.0.1:port``."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.connected = threading.Event()
        self.sent_s = 0.0
        self.error: BaseException | None = None

    def serve(self, seconds: float, accept_timeout_s: float = 120.0) -> threading.Thread:
        """Listen now, stream ``seconds`` once a client connects, then hang up (a thread)."""
        self.connected.clear()
        self.sent_s = 0.0
        listener = socket.create_server(("127.0.0.1", self.port))
        listener.settimeout(accept_timeout_s)
        thread = threading.Thread(target=self._run, args=(listener, seconds), daemon=True)
        thread.start()
        return thread

    def _run(self, listener: socket.socket, seconds: float) -> None:
        try:
            with listener:
                conn, _ = listener.accept()
            self.connected.set()
            with conn, conn.makefile("wb") as wire:
                self._stream(wire, seconds)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the recorder went away first
        except BaseException as err:  # noqa: BLE001 - handed to the test
            self.error = err

    def _stream(self, wire, seconds: float) -> None:
        with av.open(wire, "w", format="mpegts") as out:
            stream = out.add_stream("libx264", rate=FPS)
            stream.width, stream.height = SIZE
            stream.pix_fmt = "yuv420p"
            stream.options = {"preset": "ultrafast", "tune": "zerolatency", "g": str(FPS)}
            start = time.monotonic()
            for n in range(int(seconds * FPS)):
                delay = start + n / FPS - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                image = np.full((SIZE[1], SIZE[0], 3), 60, np.uint8)
                x = (n * 7) % (SIZE[0] - 40)
                image[100:140, x : x + 40] = (200, 80, 40)  # something moving
                frame = av.VideoFrame.from_ndarray(image, format="rgb24")
                frame.pts, frame.time_base = n, Fraction(1, FPS)
                for packet in stream.encode(frame):
                    out.mux(packet)
                wire.flush()
                self.sent_s = (n + 1) / FPS
            for packet in stream.encode(None):
                out.mux(packet)
