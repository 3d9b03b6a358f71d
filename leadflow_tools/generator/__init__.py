"""Vectorised demo-data generator writing the raw source contract into DuckDB."""

from .config import DirtRates, GeneratorConfig
from .core import GenerationReport, generate

__all__ = ["DirtRates", "GeneratorConfig", "GenerationReport", "generate"]
