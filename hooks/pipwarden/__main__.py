import sys

from pipwarden.cli import main

sys.exit(main())
