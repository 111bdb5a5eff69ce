"""Uses pip the way its documentation says."""

import subprocess
import sys

subprocess.check_call([sys.executable, "-m", "pip", "install", "requests"])
print("pip install is just text here")
