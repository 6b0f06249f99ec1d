"""Where deliveries are claimed, renewed and recorded: the contract and its SQL implementation."""

from __future__ import annotations

from calendar_app.notify.store.base import DeliveryStore, Invitee, Loaded
from calendar_app.notify.store.sql import SQLDeliveryStore

__all__ = ["DeliveryStore", "Invitee", "Loaded", "SQLDeliveryStore"]
