# Sets up the development environment on Windows.
param([string]$Python = "python")
$ErrorActionPreference = "Stop"
python -m venv .venv
.\.venv\Scripts\Activate.ps1
& .\.venv\Scripts\python.exe -m pip install --upgrade pip
py -3.12 -m pip install -r requirements.txt
$version = python -c "import sys; print(sys.version)"
$pipVersion = $(pip --version)
Write-Host "Using $(python --version) from $env:VIRTUAL_ENV"
if (Test-Path ".venv\Scripts\pytest.exe") { .venv\Scripts\pytest.exe -q }
echo "$PWD\.venv\Scripts" >> $env:GITHUB_PATH
Add-Content -Path $env:GITHUB_PATH -Value "$PWD\.venv\Scripts" -Encoding utf8
$env:PATH = "$PWD\.venv\Scripts;$env:PATH"
pip install "pytest>=8" 'ruff[lint]' # a bracket and a quote in strings
Write-Host "done (see ""README"")"; pip install -e .
$out = (python -m pip list --format json) | ConvertFrom-Json
foreach ($pkg in @("wheel", "build")) { python -m pip install $pkg }
& $Python -m pip install tox
python -m pip install `
    --upgrade setuptools
$files = @"
pip install not-a-command
"@
.venv\Scripts\python -m pip check 2>&1 | Out-Null
