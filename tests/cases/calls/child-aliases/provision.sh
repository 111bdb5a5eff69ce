#!/bin/sh
# Sets up the tools; the helpers define an alias for the pip they want.
bash ./tools/setup-bash.sh
sh ./tools/setup-sh.sh
