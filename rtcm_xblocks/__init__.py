"""Open edX XBlocks of the Regional Training Centre on Migration: scenario exercises and needs assessments."""

__version__ = "0.1.0"
