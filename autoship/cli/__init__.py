"""Command-line interface: the only part of autoship that prints."""
