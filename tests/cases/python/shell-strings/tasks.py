import asyncio
import os
import subprocess as sp


def setup(pkg):
    os.system("sudo pip install " + pkg)
    sp.run("pip install x && pip freeze", shell=True)
    os.system(f"pip3 install {pkg} "
              "--user")
    return __import__(pkg)


async def later():
    await asyncio.create_subprocess_shell("source venv/bin/activate && python -m pip install .")
