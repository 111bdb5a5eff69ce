SHELL := /bin/bash

lint:
	source .venv/bin/activate && ruff check .
