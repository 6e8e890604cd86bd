"""The running Cadence app, typed, from any widget or screen.

Textual types ``Widget.app`` as a plain ``App``; screens and widgets reach the
store and the app's own methods through these two functions instead of
``self.app.store  # type: ignore``, so mypy checks those calls.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from cadence_tui.store import Store
    from cadence_tui.ui.app import CadenceApp


def cadence_app(node: Any) -> CadenceApp:
    """``node.app`` as the :class:`~cadence_tui.ui.app.CadenceApp` it is."""
    return cast("CadenceApp", node.app)


def app_store(node: Any) -> Store:
    """The store of the app ``node`` belongs to."""
    return cadence_app(node).store
