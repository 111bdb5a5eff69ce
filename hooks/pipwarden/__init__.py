"""pipwarden: find the pip habits that end in Errno 13, externally-managed-environment, or the
wrong interpreter."""

__version__ = "0.1.0"
