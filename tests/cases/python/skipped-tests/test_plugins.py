import subprocess
import sys
import unittest

import pytest
from pytest import mark


@pytest.mark.skip(reason="needs the network")
def test_install_extra():
    subprocess.run(["pip", "install", "our-tool[extra]"], check=True)
    import our_tool.extra

    assert our_tool.extra.enabled()


@mark.skipif(True, reason="broken upstream")
def test_install_docs():
    subprocess.run(["pip", "install", "our-tool[docs]"], check=True)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX only")
def test_install_posix():
    subprocess.run(["pip", "install", "our-tool[posix]"], check=True)
    import our_tool.posix

    assert our_tool.posix.enabled()


@pytest.mark.skipif("sys.version_info < (3, 10)")
def test_install_new():
    subprocess.run(["pip", "install", "our-tool[new]"], check=True)


@unittest.skip("slow")
class InstallTests(unittest.TestCase):
    def test_install(self):
        subprocess.check_call(["pip3", "install", "our-tool"])


class UpgradeTests(unittest.TestCase):
    @unittest.skipUnless(False, "never")
    def test_upgrade(self):
        subprocess.check_call(["pip3", "install", "-U", "our-tool"])

    def test_reinstall(self):
        subprocess.check_call(["pip3", "install", "--force-reinstall", "our-tool"])
