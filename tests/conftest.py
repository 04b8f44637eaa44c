"""Shared test settings: quiet TensorFlow, one process-wide copy of the shipped data."""
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
