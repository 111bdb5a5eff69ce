# Install the command-line tools for the current user.
pip install -r requirements-tools.txt
python -m tools.configure
