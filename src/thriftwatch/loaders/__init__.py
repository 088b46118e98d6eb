"""Loaders: one module per source, each returning a `Loaded`."""

from thriftwatch.loaders.base import Loaded
from thriftwatch.loaders.customs import CustomsSchema, load_customs

__all__ = ["CustomsSchema", "Loaded", "load_customs"]
