"""thriftwatch: measure and publish the illegal trade in imported used clothing in Indonesia.

The library's face, for notebooks and scripts (`import thriftwatch as tw`):

- `load_customs`, `load_seizures`, `load_listings`, `load_takedowns`: one raw file in, a
  `Loaded` out (`clean`, `rejected` with a reason per row, `n_raw`, `n_duplicates`; always
  `n_raw == clean.height + rejected.height + n_duplicates`);
- `resolve_regions`: place texts to Kemendagri kab/kota and province codes;
- `load`: a table the last run wrote, by name (`tw.load("mirror_gap")`), never by path;
- `DataError`: what an unusable file raises, naming the file, and the column and row when known.
"""

from importlib.metadata import PackageNotFoundError, version

from thriftwatch.catalog import load
from thriftwatch.errors import DataError
from thriftwatch.loaders.base import Loaded
from thriftwatch.loaders.customs import load_customs
from thriftwatch.loaders.listings import load_listings
from thriftwatch.loaders.seizures import load_seizures
from thriftwatch.loaders.takedowns import load_takedowns
from thriftwatch.regions import resolve_regions

try:
    __version__ = version("thriftwatch")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0+unknown"

__all__ = [
    "DataError",
    "Loaded",
    "__version__",
    "load",
    "load_customs",
    "load_listings",
    "load_seizures",
    "load_takedowns",
    "resolve_regions",
]
