@echo off
rem Sets up the development environment.
setlocal
py -3 -m venv venv
call venv\Scripts\activate.bat
python -m pip install --upgrade pip
if exist requirements.txt pip install -r requirements.txt
if not defined CI venv\Scripts\pip.exe install pytest
IF "%1"=="dev" python -m pip install -e .[dev]
pip install %*
"%~dp0venv\Scripts\python.exe" -m pip install wheel
python -m pip install build > build.log 2>&1
echo %CD%\venv\Scripts>> %GITHUB_PATH%
set PATH=%~dp0venv\Scripts;%PATH%
if errorlevel 1 (
    python -m pip install --no-cache-dir -r requirements.txt
) else (
    pip install -e .
)
for %%f in (dist\*.whl) do pip install %%f
python -m pip install "pywin32>=306" && echo ok
for %%V in (
    3.11
    3.12
) do (
    py -%%V -m pip install --user tox
)
