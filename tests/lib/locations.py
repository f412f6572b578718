"""Where the build and the source tree are, and the programs the tests run."""
import os

BUILD = os.environ.get("PORTHOLE_BUILD_DIR", os.path.join(os.path.dirname(__file__), "..", "..", "build"))
SOURCE = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
COMPOSITOR = os.path.join(BUILD, "frontend", "porthole-compositor")
CLI = os.path.join(BUILD, "system-image", "launcher", "porthole")
WAYLAND_CLIENT = os.path.join(BUILD, "tests", "clients", "porthole-test-wayland-client")
X11_CLIENT = os.path.join(BUILD, "tests", "clients", "porthole-test-x11-client")
RDP_CLIENT = os.path.join(BUILD, "tests", "clients", "porthole-test-rdp-client")
REFERENCE_DIR = os.path.join(SOURCE, "tests", "reference")
ARTIFACT_DIR = os.environ.get("PORTHOLE_ARTIFACT_DIR", os.path.join(BUILD, "meson-logs", "artifacts"))
SKIP = 77
