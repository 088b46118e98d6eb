"""thriftwatch: measure and publish the illegal trade in imported used clothing in Indonesia."""

from importlib.metadata import PackageNotFoundError, version

from thriftwatch.errors import DataError
from thriftwatch.loaders import Loaded, load_customs

try:
    __version__ = version("thriftwatch")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0+unknown"

__all__ = ["DataError", "Loaded", "__version__", "load_customs"]
