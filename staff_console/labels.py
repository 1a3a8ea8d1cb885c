"""Kept for existing imports: the labels live in the console's catalogue (staff_console/catalogue.py)."""

from __future__ import annotations

from staff_console.catalogue import label, labels_of

__all__ = ["label", "labels_of"]
