"""Jupyter kernels of a report: local sockets only, and one started early (issue 16).

Starting the ``dtks`` kernel and importing what notebook 02 imports takes seconds of one core,
while the report prepares its months on the other. :class:`WarmKernel` starts that kernel
before the months are prepared and has it import the notebook's modules silently (no output,
no execution count, nothing bound in the notebook's namespace), so the executed notebook is the
same as with a kernel started by papermill. The kernel dies with the report.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from dtks_analysis import children

KERNEL = "dtks"

#: what notebook 02 imports first (its second cell)
NOTEBOOK_MODULES = (
    "dtks_analysis.notebook",
    "dtks_analysis.pipeline",
    "dtks_analysis.formatting",
    "dtks_analysis.publishing.charts",
    "dtks_analysis.publishing.desil_section",
    "dtks_analysis.publishing.sections",
)

__all__ = ["KERNEL", "NOTEBOOK_MODULES", "WarmKernel", "ipc_kernel_manager"]


def ipc_kernel_manager(folder: str) -> type:
    """A kernel manager talking to the kernel over local Unix sockets in ``folder``.

    The notebooks' data never travels over TCP (ipykernel warns about unencrypted TCP), and
    nothing listens on a network port while a report runs.
    """
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import default

    class IPCKernelManager(AsyncKernelManager):
        @default("transport")
        def _default_transport(self) -> str:
            return "ipc"

        @default("ip")
        def _default_ip(self) -> str:
            return os.path.join(folder, "kernel")

    return IPCKernelManager


def _warm_up_code(modules: Sequence[str]) -> str:
    """Code that imports ``modules`` in a namespace of its own (the notebook's stays empty)."""
    body = f"import importlib\nfor _m in {tuple(modules)!r}:\n    importlib.import_module(_m)\n"
    return f"exec({body!r}, {{}})"


class WarmKernel:
    """The ``dtks`` kernel, started now in ``cwd`` and importing ``modules``; hand it to
    papermill with :meth:`take`, end it with :meth:`stop` (also when the report fails).

    Start it from the thread that lives as long as the report (the main thread): the kernel is
    killed when that thread ends (``PR_SET_PDEATHSIG``)."""

    def __init__(self, cwd: Path, modules: Sequence[str] = NOTEBOOK_MODULES) -> None:
        from jupyter_core.utils import run_sync

        self._sockets = tempfile.mkdtemp(prefix="dtks-k-")  # short: socket names are limited
        self.km: Any = ipc_kernel_manager(self._sockets)(kernel_name=KERNEL)
        self._client: Any = None
        try:
            run_sync(self.km.start_kernel)(
                cwd=str(cwd),
                preexec_fn=functools.partial(children.die_with_parent, os.getpid()),
            )
            self._client = self.km.blocking_client()
            self._client.start_channels()
            # queued by the socket until the kernel listens; answered while the months are read
            self._msg_id = self._client.execute(
                _warm_up_code(modules), silent=True, store_history=False
            )
        except BaseException:
            self.stop()
            raise

    def take(self, timeout: float = 120) -> Any:
        """The kernel manager, for papermill (``km=``), once the imports are done (whatever
        they gave: an error shows again, with its cell, when the notebook runs)."""
        import queue

        if self._client is not None:
            with contextlib.suppress(queue.Empty):
                while True:
                    msg = self._client.get_shell_msg(timeout=timeout)
                    if msg.get("parent_header", {}).get("msg_id") == self._msg_id:
                        break
            self._client.stop_channels()
            self._client = None
        return self.km

    def stop(self) -> None:
        """End the kernel and remove its sockets (safe to call twice)."""
        from jupyter_core.utils import run_sync

        if self._client is not None:
            with contextlib.suppress(Exception):
                self._client.stop_channels()
            self._client = None
        with contextlib.suppress(Exception):
            if self.km.has_kernel:
                run_sync(self.km.shutdown_kernel)(now=True)
        with contextlib.suppress(Exception):
            run_sync(self.km.cleanup_resources)()
        shutil.rmtree(self._sockets, ignore_errors=True)
