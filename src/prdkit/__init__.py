"""prdkit: decide whether and how to build an LLM product, and write it down."""

__version__ = "0.1.0"
