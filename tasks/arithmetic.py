"""Arithmetic function learning (filled in by the arithmetic benchmark)."""
