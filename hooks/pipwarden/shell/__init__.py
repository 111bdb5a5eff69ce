"""The shell layer every front-end feeds: Scripts in, Commands out."""

# Programs that run shell scripts, by base name.
SHELLS = frozenset({"sh", "bash", "dash", "zsh", "ksh", "ash", "mksh"})
