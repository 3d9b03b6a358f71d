"""Vectorised demo-data generator writing the raw source contract into DuckDB."""

from .config import DirtRates, GeneratorConfig, PlantedEffect
from .core import GenerationReport, generate
from .shapes import Shape

__all__ = ["DirtRates", "GeneratorConfig", "GenerationReport", "PlantedEffect", "Shape", "generate"]
