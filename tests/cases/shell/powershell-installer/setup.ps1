# Set up the bot on Windows: .\setup.ps1
$VenvName = ".venv"
$VenvDir = Join-Path $PSScriptRoot $VenvName
$ActivateVenv = "$VenvDir\Scripts\Activate.ps1"

& python -m venv $VenvName
& $ActivateVenv
pip install -r requirements.txt
python -m bot install-ui
