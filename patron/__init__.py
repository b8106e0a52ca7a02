"""Patron: the back office a freelancer runs for their own business."""

__version__ = "0.1.0"
