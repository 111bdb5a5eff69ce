"""The shell layer every front-end feeds: Scripts in, Commands out."""
