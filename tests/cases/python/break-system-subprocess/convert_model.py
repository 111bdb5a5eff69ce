"""Convert a detection model for the NPU, installing the converter's dependencies first."""

import subprocess
import sys


def ensure_converter() -> None:
    subprocess.check_call(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--break-system-packages",
            "onnx",
        ]
    )


def ensure_runtime() -> None:
    subprocess.run(["pip3", "install", "--break-system-packages", "onnxruntime"], check=True)


def main() -> None:
    ensure_converter()
    ensure_runtime()
    import onnx  # noqa: F401


if __name__ == "__main__":
    main()
